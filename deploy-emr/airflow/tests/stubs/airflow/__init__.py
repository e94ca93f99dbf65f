"""A stand-in for Airflow's DAG, enough to load the DAG files and record tasks and edges.

Airflow cannot be installed where the tests run (no Python package index); this records what the
real classes would be given, so that a test can check task ids, dependencies and step arguments.
"""
_current = []
DAGS = []


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
    def __init__(self, task_id, **kwargs):
        if not _current:
            raise RuntimeError("operator %s created outside a DAG" % task_id)
        self.dag = _current[-1]
        if task_id in self.dag.tasks:
            raise ValueError("duplicate task_id %s in %s" % (task_id, self.dag.dag_id))
        self.task_id = task_id
        self.kwargs = kwargs
        self.dag.tasks[task_id] = self

    def __rshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            self.dag.edges.append((self.task_id, o.task_id))
        return other

    def __lshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            self.dag.edges.append((o.task_id, self.task_id))
        return other
