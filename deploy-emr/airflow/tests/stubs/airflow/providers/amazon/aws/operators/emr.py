"""operators/emr.py of apache-airflow-providers-amazon 9.18.0 (see ..): the EMR-on-EC2 operators' __init__ keywords."""
from airflow import AirflowException
from airflow.providers.amazon.aws import AwsBaseOperator


class EmrAddStepsOperator(AwsBaseOperator):
    def __init__(self, *, job_flow_id=None, job_flow_name=None, cluster_states=None, steps=None,
                 wait_for_completion=False, waiter_delay=30, waiter_max_attempts=60, execution_role_arn=None,
                 deferrable=False, openlineage_inject_parent_job_info=False, **kwargs):
        if (job_flow_id is None) == (job_flow_name is None):
            raise AirflowException("Exactly one of job_flow_id or job_flow_name must be specified.")
        super().__init__(**kwargs)


class EmrCreateJobFlowOperator(AwsBaseOperator):
    def __init__(self, *, emr_conn_id="emr_default", job_flow_overrides=None, wait_for_completion=None,
                 wait_policy=None, waiter_max_attempts=None, waiter_delay=None, deferrable=False,
                 terminate_job_flow_on_failure=True, **kwargs):
        super().__init__(**kwargs)


class EmrModifyClusterOperator(AwsBaseOperator):
    def __init__(self, *, cluster_id, step_concurrency_level, **kwargs):
        super().__init__(**kwargs)


class EmrTerminateJobFlowOperator(AwsBaseOperator):
    def __init__(self, *, job_flow_id, waiter_delay=60, waiter_max_attempts=20, deferrable=False, **kwargs):
        super().__init__(**kwargs)
