from airflow import BaseOperator


class EmrAddStepsOperator(BaseOperator):
    REQUIRED = ("job_flow_id", "steps")

    def __init__(self, task_id, **kwargs):
        missing = [k for k in self.REQUIRED if k not in kwargs]
        if missing:
            raise TypeError("EmrAddStepsOperator %s misses %s" % (task_id, missing))
        super().__init__(task_id, **kwargs)
