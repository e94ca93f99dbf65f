"""Builds operators against the stand-ins with right and wrong arguments; prints, per case, "ok" or the
error the constructor raised. The real operators raise on the same wrong arguments."""
import json
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(here / "stubs")]

from airflow import DAG
from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator, EmrCreateJobFlowOperator
from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor
from airflow.operators.python import BranchPythonOperator

CASES = {
    "add_steps": lambda: EmrAddStepsOperator(task_id="a", job_flow_id="j-1", steps=[], aws_conn_id="aws_default"),
    "add_steps_misspelt_steps": lambda: EmrAddStepsOperator(task_id="a", job_flow_id="j-1", step=[]),
    "add_steps_without_cluster": lambda: EmrAddStepsOperator(task_id="a", steps=[]),
    "add_steps_two_clusters": lambda: EmrAddStepsOperator(task_id="a", job_flow_id="j-1", job_flow_name="n"),
    "step_sensor": lambda: EmrStepSensor(task_id="s", job_flow_id="j-1", step_id="s-1", poke_interval=60,
                                         timeout=3600, retries=1),
    "step_sensor_without_step": lambda: EmrStepSensor(task_id="s", job_flow_id="j-1"),
    "step_sensor_misspelt_poke": lambda: EmrStepSensor(task_id="s", job_flow_id="j-1", step_id="s-1",
                                                       poke_intervall=60),
    "step_sensor_bad_mode": lambda: EmrStepSensor(task_id="s", job_flow_id="j-1", step_id="s-1", mode="wait"),
    "create_job_flow": lambda: EmrCreateJobFlowOperator(task_id="c", job_flow_overrides={"Name": "x"}),
    "create_job_flow_misspelt": lambda: EmrCreateJobFlowOperator(task_id="c", job_flow_override={"Name": "x"}),
    "branch": lambda: BranchPythonOperator(task_id="b", python_callable=len, op_kwargs={}),
    "branch_misspelt_callable": lambda: BranchPythonOperator(task_id="b", python_callabel=len),
    "branch_not_callable": lambda: BranchPythonOperator(task_id="b", python_callable="len"),
}

out = {}
for name, build in CASES.items():
    with DAG(dag_id="standin_" + name):
        try:
            build()
            out[name] = "ok"
        except Exception as e:  # noqa: BLE001 - the message is the result
            out[name] = "%s: %s" % (type(e).__name__, e)
print(json.dumps(out, indent=1, sort_keys=True))
