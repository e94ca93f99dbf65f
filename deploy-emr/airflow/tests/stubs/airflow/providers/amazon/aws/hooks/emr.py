"""hooks/emr.py of apache-airflow-providers-amazon 9.18.0 (see ..): EmrHook(emr_conn_id, **AwsBaseHook
keywords). Its .conn is boto3's EMR client, which the tests replace (no AWS here)."""


class EmrHook:
    def __init__(self, emr_conn_id="emr_default", *, aws_conn_id="aws_default", verify=None,
                 region_name=None, client_type=None, resource_type=None, config=None):
        self.aws_conn_id = aws_conn_id

    @property
    def conn(self):
        raise RuntimeError("no AWS here: the tests call the DAG's functions with their own client")
