"""Daily batch run on a cluster of its own: create the cluster, run the day's step, terminate the
cluster whatever happened (trigger_rule all_done), for a deployment that keeps no cluster running.

The cluster is the RunJobFlow request `bin/lambda emr cluster --env emr --format json` renders, in
the API's own shape, saved as lambda_emr_job_flow.json next to this file (or at the path in the
scheduler's environment variable LAMBDA_EMR_JOB_FLOW):

    bin/lambda emr cluster --env emr --config-uri lambda.conf --format json > dags/lambda_emr_job_flow.json

The day is lambda_emr_steps.DAY, as in lambda_batch_daily. The cluster's idle auto-termination
(platform.emr.idle-timeout) still ends it if the terminate task itself never runs.
"""
import json
import os
import pathlib
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.providers.amazon.aws.operators.emr import (
    EmrAddStepsOperator,
    EmrCreateJobFlowOperator,
    EmrTerminateJobFlowOperator,
)
from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor

from lambda_emr_steps import DAY, DAY_NODASH, ZONE, batch_step

JOB_FLOW_FILE = pathlib.Path(
    os.environ.get("LAMBDA_EMR_JOB_FLOW", pathlib.Path(__file__).with_name("lambda_emr_job_flow.json")))
if not JOB_FLOW_FILE.is_file():
    raise FileNotFoundError(
        "lambda_batch_daily_transient needs the cluster definition at %s: render it with 'bin/lambda emr"
        " cluster --env emr --config-uri lambda.conf --format json > %s' (or set LAMBDA_EMR_JOB_FLOW)"
        % (JOB_FLOW_FILE, JOB_FLOW_FILE))
JOB_FLOW = json.loads(JOB_FLOW_FILE.read_text())
CLUSTER = "{{ task_instance.xcom_pull(task_ids='create_cluster', key='return_value') }}"

with DAG(
    dag_id="lambda_batch_daily_transient",
    description="raw -> t1 -> t2 -> t3 -> JDBC for the day that closed, on a cluster of its own",
    schedule="0 7 * * *",
    start_date=pendulum.datetime(2026, 11, 1, tz=ZONE),
    catchup=True,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=10)},
    tags=["lambda-platform", "batch", "transient-cluster"],
) as dag:
    create = EmrCreateJobFlowOperator(
        task_id="create_cluster",
        aws_conn_id="aws_default",
        # the request as rendered, nothing merged from an Airflow EMR connection
        emr_conn_id=None,
        job_flow_overrides=JOB_FLOW,
        retries=0,
    )
    add_step = EmrAddStepsOperator(
        task_id="add_batch_step",
        job_flow_id=CLUSTER,
        aws_conn_id="aws_default",
        steps=[batch_step(DAY, "1", "PlaceImpression_1Range_" + DAY_NODASH + "_EMR")],
    )
    watch_step = EmrStepSensor(
        task_id="watch_batch_step",
        job_flow_id=CLUSTER,
        step_id="{{ task_instance.xcom_pull(task_ids='add_batch_step', key='return_value')[0] }}",
        aws_conn_id="aws_default",
        mode="reschedule",
        poke_interval=60,
        timeout=6 * 3600,
    )
    terminate = EmrTerminateJobFlowOperator(
        task_id="terminate_cluster",
        job_flow_id=CLUSTER,
        aws_conn_id="aws_default",
        # whatever the step did: a failed or timed-out run must not leave the cluster running
        trigger_rule="all_done",
    )
    create >> add_step >> watch_step >> terminate
