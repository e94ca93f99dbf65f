"""Daily batch run: rebuild t1 -> t2 -> t3 -> JDBC for the day that has just closed.

A day D closes at its end plus the allowed lateness (6 h): the run at 07:00 in the platform zone on
D+1 processes D, the newest day closed by the end of its data interval (lambda_emr_steps.DAY; the
same on Airflow 2 and 3). catchup: a day missed while the scheduler was down runs when it is back,
oldest first, one at a time (max_active_runs = 1: the batch's writer lease refuses a second
application on the lake anyway). The sensor runs in reschedule mode: it holds no worker slot
between its checks. A failed period is in ops.batch_ledger with its cause; clearing the task reruns
the same day (the jobs are idempotent).
"""
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.operators.python import BranchPythonOperator
from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator
from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor

from lambda_emr_steps import CLUSTER_ID, DAY, DAY_NODASH, ZONE, batch_step, branch_on_step_in_flight

STEP_NAME = "PlaceImpression_1Range_" + DAY_NODASH + "_EMR"

with DAG(
    dag_id="lambda_batch_daily",
    description="raw -> t1 -> t2 -> t3 -> JDBC for the day that closed (EMR step)",
    schedule="0 7 * * *",
    start_date=pendulum.datetime(2026, 11, 1, tz=ZONE),
    catchup=True,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["lambda-platform", "batch"],
) as dag:
    # a step of this day still pending or running (an add retried after EMR took the first call)
    # is watched, not added again
    find_step = BranchPythonOperator(
        task_id="find_batch_step",
        python_callable=branch_on_step_in_flight,
        op_kwargs={
            "cluster_id": CLUSTER_ID,
            "name": STEP_NAME,
            "add_task": "add_batch_step",
            "watch_task": "watch_batch_step",
        },
    )
    add_step = EmrAddStepsOperator(
        task_id="add_batch_step",
        job_flow_id=CLUSTER_ID,
        aws_conn_id="aws_default",
        steps=[batch_step(DAY, "1", STEP_NAME)],
    )
    watch_step = EmrStepSensor(
        task_id="watch_batch_step",
        job_flow_id=CLUSTER_ID,
        step_id="{{ task_instance.xcom_pull(task_ids='find_batch_step', key='step_id')"
        " or task_instance.xcom_pull(task_ids='add_batch_step', key='return_value')[0] }}",
        aws_conn_id="aws_default",
        mode="reschedule",
        poke_interval=60,
        timeout=6 * 3600,
        # after the add, or straight after the find when the add was skipped
        trigger_rule="none_failed_min_one_success",
    )
    find_step >> [add_step, watch_step]
    add_step >> watch_step
