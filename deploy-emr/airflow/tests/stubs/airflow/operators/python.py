"""airflow/operators/python.py of Airflow 2.10: PythonOperator.__init__ and BranchPythonOperator (same
keywords). python_callable must be callable, as the real constructor checks."""
from airflow import AirflowException, BaseOperator


class PythonOperator(BaseOperator):
    def __init__(self, *, python_callable, op_args=None, op_kwargs=None, templates_dict=None,
                 templates_exts=None, show_return_value_in_logs=True, **kwargs):
        if not callable(python_callable):
            raise AirflowException("`python_callable` param must be callable")
        super().__init__(**kwargs)
        self.python_callable = python_callable


class BranchPythonOperator(PythonOperator):
    pass
