"""A stand-in for Airflow's DAG and BaseOperator, enough to load the DAG files and record tasks and edges.

Airflow cannot be installed where the tests run (no Python package index); this records what the
real classes would be given, so that a test can check task ids, dependencies and step arguments.
The constructors take exactly the keywords of the real ones, so a misspelt or unknown argument fails
the import as it would in Airflow:

- BaseOperator: the parameters of airflow.models.baseoperator.BaseOperator in Airflow 2.10
  (https://airflow.apache.org/docs/apache-airflow/2.10.5/_api/airflow/models/baseoperator/index.html),
  where an unknown keyword raises AirflowException("Invalid arguments were passed to ...");
- BaseSensorOperator: airflow/sensors/base.py of Airflow 2.10;
- the amazon provider's classes: see airflow/providers/amazon/aws/ (provider version noted there).
"""
_current = []
DAGS = []

# Airflow 2.10's BaseOperator.__init__ keywords (after task_id)
BASE_OPERATOR_ARGS = frozenset("""
owner email email_on_retry email_on_failure retries retry_delay retry_exponential_backoff
max_retry_delay start_date end_date depends_on_past ignore_first_depends_on_past
wait_for_past_depends_before_skipping wait_for_downstream dag params default_args priority_weight
weight_rule queue pool pool_slots sla execution_timeout on_execute_callback on_failure_callback
on_success_callback on_retry_callback on_skipped_callback pre_execute post_execute trigger_rule
resources run_as_user task_concurrency map_index_template max_active_tis_per_dag
max_active_tis_per_dagrun executor executor_config do_xcom_push multiple_outputs inlets outlets
task_group doc doc_md doc_json doc_yaml doc_rst task_display_name logger_name
allow_nested_operators""".split())


class AirflowException(Exception):
    pass


class DAG:
    def __init__(self, dag_id, **kwargs):
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks = {}
        self.edges = []
        DAGS.append(self)

    def __enter__(self):
        _current.append(self)
        return self

    def __exit__(self, *exc):
        _current.pop()
        return False


class BaseOperator:
    def __new__(cls, *args, **kwargs):
        task = super().__new__(cls)
        task.kwargs = {k: v for k, v in kwargs.items() if k != "task_id"}  # what the DAG file passed
        return task

    def __init__(self, task_id, **kwargs):
        unknown = sorted(set(kwargs) - BASE_OPERATOR_ARGS)
        if unknown:
            # Airflow 2.10 BaseOperator.__init__: "Invalid arguments were passed to ..."
            raise AirflowException(
                "Invalid arguments were passed to %s (task_id: %s). Invalid arguments were:\n**kwargs: %s"
                % (type(self).__name__, task_id, {k: kwargs[k] for k in unknown}))
        if not _current:
            raise RuntimeError("operator %s created outside a DAG" % task_id)
        self.dag = _current[-1]
        if task_id in self.dag.tasks:
            raise ValueError("duplicate task_id %s in %s" % (task_id, self.dag.dag_id))
        self.task_id = task_id
        self.dag.tasks[task_id] = self

    def __rshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            self.dag.edges.append((self.task_id, o.task_id))
        return other

    def __lshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            self.dag.edges.append((o.task_id, self.task_id))
        return other


class BaseSensorOperator(BaseOperator):
    """airflow/sensors/base.py (Airflow 2.10): BaseSensorOperator.__init__."""

    def __init__(self, *, poke_interval=60, timeout=7 * 24 * 3600, soft_fail=False, mode="poke",
                 exponential_backoff=False, max_wait=None, silent_fail=False, never_fail=False, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(poke_interval, (int, float)) or poke_interval < 0:
            raise AirflowException("The poke_interval must be a non-negative number")
        if not isinstance(timeout, (int, float)) or timeout < 0:
            raise AirflowException("The timeout must be a non-negative number")
        if mode not in ("poke", "reschedule"):
            raise AirflowException("The mode must be one of ['poke', 'reschedule']; received '%s'." % mode)
