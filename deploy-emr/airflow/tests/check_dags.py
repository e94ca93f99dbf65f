"""Loads every DAG file against the stand-in airflow modules and prints what they define as JSON:
dag id, schedule, catchup, max_active_runs, params, tasks (operator and arguments) and edges. Fails on an import error, a
duplicate task id or a cycle."""
import graphlib
import importlib.util
import json
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
dags_dir = here.parent / "dags"
sys.path[:0] = [str(here / "stubs"), str(dags_dir)]

import airflow  # the stand-in

for path in sorted(dags_dir.glob("*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


def plain(value):
    if hasattr(value, "schema") and hasattr(value, "default"):
        return {"default": value.default, **value.schema}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


out = {}
for dag in airflow.DAGS:
    sorter = graphlib.TopologicalSorter()
    for task_id in dag.tasks:
        sorter.add(task_id)
    for a, b in dag.edges:
        sorter.add(b, a)
    order = list(sorter.static_order())  # raises CycleError on a cycle
    out[dag.dag_id] = {
        "schedule": plain(dag.kwargs.get("schedule")),
        "catchup": plain(dag.kwargs.get("catchup")),
        "max_active_runs": plain(dag.kwargs.get("max_active_runs")),
        "params": plain(dag.kwargs.get("params", {})),
        "order": order,
        "edges": [list(e) for e in dag.edges],
        "tasks": {t.task_id: {"operator": type(t).__name__, "args": plain(t.kwargs)} for t in dag.tasks.values()},
    }
print(json.dumps(out, indent=1, sort_keys=True))
