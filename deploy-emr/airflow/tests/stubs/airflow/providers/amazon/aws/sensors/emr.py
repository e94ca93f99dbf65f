"""sensors/emr.py of apache-airflow-providers-amazon 9.18.0 (see ..): the EMR-on-EC2 sensors' __init__ keywords."""
from airflow.providers.amazon.aws import AwsBaseSensor


class EmrBaseSensor(AwsBaseSensor):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)


class EmrJobFlowSensor(EmrBaseSensor):
    def __init__(self, *, job_flow_id, target_states=None, failed_states=None, max_attempts=60, deferrable=False,
                 **kwargs):
        super().__init__(**kwargs)


class EmrStepSensor(EmrBaseSensor):
    def __init__(self, *, job_flow_id, step_id, target_states=None, failed_states=None, max_attempts=60,
                 deferrable=False, **kwargs):
        super().__init__(**kwargs)
