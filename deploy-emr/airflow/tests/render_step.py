"""Renders a DAG task's steps with Jinja2 in the template context Airflow 2 gives a scheduled run.

usage: render_step.py DAG_ID TASK_ID DATA_INTERVAL_START DATA_INTERVAL_END VARIABLES_JSON [EXTRA_TEMPLATE]

The interval bounds are ISO date-times; as in Airflow 2 they are handed to templates in UTC, the
logical date is the interval's start, and ds / ds_nodash are the logical date formatted as
YYYY-MM-DD / YYYYMMDD (https://airflow.apache.org/docs/apache-airflow/2.10.5/templates-ref.html).
Prints {"steps": <rendered steps>, "extra": <EXTRA_TEMPLATE rendered>} as JSON.
"""
import datetime
import importlib.util
import json
import pathlib
import sys
from zoneinfo import ZoneInfo

import jinja2

here = pathlib.Path(__file__).resolve().parent
dags_dir = here.parent / "dags"
sys.path[:0] = [str(here / "stubs"), str(dags_dir)]

import airflow  # the stand-in


class DateTime(datetime.datetime):
    """The part of pendulum.DateTime the DAGs use: in_timezone, and subtract as pendulum does it
    (days on the calendar, keeping the wall-clock time in the zone; hours as elapsed time)."""

    @staticmethod
    def of(d):
        return DateTime(d.year, d.month, d.day, d.hour, d.minute, d.second, tzinfo=d.tzinfo)

    def in_timezone(self, tz):
        return DateTime.of(self.astimezone(ZoneInfo(tz)))

    def subtract(self, days=0, hours=0):
        moved = self
        if hours:
            moved = (moved.astimezone(datetime.timezone.utc) - datetime.timedelta(hours=hours)).astimezone(
                moved.tzinfo)
        if days:
            wall = moved.replace(tzinfo=None) - datetime.timedelta(days=days)
            moved = wall.replace(tzinfo=moved.tzinfo)
        return DateTime.of(moved)


def utc(text):
    d = datetime.datetime.fromisoformat(text).astimezone(datetime.timezone.utc)
    return DateTime(d.year, d.month, d.day, d.hour, d.minute, d.second, tzinfo=datetime.timezone.utc)


dag_id, task_id, start, end, variables = sys.argv[1:6]
extra = sys.argv[6] if len(sys.argv) > 6 else ""
for path in sorted(dags_dir.glob("*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
dag = next(d for d in airflow.DAGS if d.dag_id == dag_id)
task = dag.tasks[task_id]
logical_date = utc(start)
context = {
    "data_interval_start": utc(start),
    "data_interval_end": utc(end),
    "logical_date": logical_date,
    "ds": logical_date.strftime("%Y-%m-%d"),
    "ds_nodash": logical_date.strftime("%Y%m%d"),
    "var": {"value": json.loads(variables)},
    "params": {k: getattr(v, "default", v) for k, v in dag.kwargs.get("params", {}).items()},
}
env = jinja2.Environment(undefined=jinja2.StrictUndefined)


def render(value):
    if isinstance(value, str):
        return env.from_string(value).render(**context)
    if isinstance(value, list):
        return [render(v) for v in value]
    if isinstance(value, dict):
        return {k: render(v) for k, v in value.items()}
    return value


print(json.dumps({"steps": render(task.kwargs["steps"]), "extra": render(extra)}))
