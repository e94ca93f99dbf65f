"""Stand-ins for apache-airflow-providers-amazon 9.18.0 (the sources of apache/airflow main as stored
in the tool library: providers/amazon/src/airflow/providers/amazon/__init__.py says 9.18.0;
operators/emr.py at commit 01eb066c, sensors/emr.py at 01cd0d0a, operators/base_aws.py at 0d65ed24,
sensors/base_aws.py at 4b40e96e). Each class takes the keywords its real __init__ takes, and no other.
"""
from airflow import BaseOperator, BaseSensorOperator

NOTSET = object()


class AwsBaseOperator(BaseOperator):
    """operators/base_aws.py: AwsBaseOperator.__init__."""

    def __init__(self, *, aws_conn_id="aws_default", region_name=None, verify=None, botocore_config=None,
                 region=NOTSET, **kwargs):
        super().__init__(**kwargs)


class AwsBaseSensor(BaseSensorOperator):
    """sensors/base_aws.py: AwsBaseSensor.__init__."""

    def __init__(self, *, aws_conn_id="aws_default", region_name=None, verify=None, botocore_config=None,
                 region=NOTSET, **kwargs):
        super().__init__(**kwargs)
