"""Backfill: replay a date range in ONE Spark application (one EMR step), as the notes advise when
the rerun is not urgent. Trigger it with the parameters, e.g.

    airflow dags trigger lambda_batch_backfill --conf '{"start_date": "2026-10-01", "iteration_count": 30}'

For an urgent recovery, `bin/lambda emr submit --mode parallel` runs several periods at a time inside one application.
"""
import pendulum
from airflow import DAG
from airflow.models.param import Param
from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator
from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor

from lambda_emr_steps import CLUSTER_ID, batch_step

with DAG(
    dag_id="lambda_batch_backfill",
    description="replay N days from a start date in one Spark application (EMR step)",
    schedule=None,
    start_date=pendulum.datetime(2026, 11, 1, tz="Asia/Seoul"),
    catchup=False,
    max_active_runs=1,
    params={
        "start_date": Param("2026-10-01", type="string", format="date", description="first day (YYYY-MM-DD)"),
        "iteration_count": Param(30, type="integer", minimum=1, maximum=3660, description="number of days"),
    },
    tags=["lambda-platform", "batch", "backfill"],
) as dag:
    add_step = EmrAddStepsOperator(
        task_id="add_backfill_step",
        job_flow_id=CLUSTER_ID,
        aws_conn_id="aws_default",
        steps=[batch_step(
            "{{ params.start_date }}",
            "{{ params.iteration_count }}",
            "PlaceImpression_{{ params.iteration_count }}Range_{{ params.start_date | replace('-', '') }}_EMR",
        )],
    )
    watch_step = EmrStepSensor(
        task_id="watch_backfill_step",
        job_flow_id=CLUSTER_ID,
        step_id="{{ task_instance.xcom_pull(task_ids='add_backfill_step', key='return_value')[0] }}",
        aws_conn_id="aws_default",
        mode="reschedule",
        poke_interval=120,
        timeout=48 * 3600,
    )
    add_step >> watch_step
