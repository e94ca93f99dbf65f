"""Runs the daily DAG's branch callable (lambda_emr_steps.branch_on_step_in_flight) against a stand-in
EMR client that answers ListSteps as the EMR API does (ClusterId required; StepStates from the API's
StepState enum; the newest first; a Marker while more pages follow; unknown parameters refused, as
botocore refuses them before sending), and prints, per case, the branch taken, the XCom pushed and the
ListSteps calls made."""
import json
import pathlib
import sys

here = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(here / "stubs"), str(here.parent / "dags")]

from lambda_emr_steps import branch_on_step_in_flight  # noqa: E402

STATES = {"PENDING", "CANCEL_PENDING", "RUNNING", "COMPLETED", "CANCELLED", "FAILED", "INTERRUPTED"}
PARAMS = {"ClusterId", "StepStates", "StepIds", "Marker"}


class Emr:
    def __init__(self, steps, page_size=2):
        self.steps = steps  # newest first, as ListSteps orders them
        self.page_size = page_size
        self.calls = []

    def list_steps(self, **kwargs):
        unknown = set(kwargs) - PARAMS
        if unknown:
            raise TypeError("ParamValidationError: Unknown parameter in input: %s" % sorted(unknown))
        if not isinstance(kwargs.get("ClusterId"), str):
            raise TypeError("ParamValidationError: Missing required parameter in input: \"ClusterId\"")
        states = kwargs.get("StepStates", list(STATES))
        if set(states) - STATES:
            raise ValueError("ValidationException: invalid step state %s" % sorted(set(states) - STATES))
        self.calls.append(dict(kwargs))
        matching = [s for s in self.steps if s["Status"]["State"] in states]
        start = int(kwargs.get("Marker", "0"))
        page = matching[start:start + self.page_size]
        out = {"Steps": page}
        if start + self.page_size < len(matching):
            out["Marker"] = str(start + self.page_size)
        return out


class Ti:
    def __init__(self):
        self.pushed = {}

    def xcom_push(self, key, value):
        self.pushed[key] = value


def step(i, name, state):
    return {"Id": "s-%d" % i, "Name": name, "Status": {"State": state}}


DAY = "PlaceImpression_1Range_20261120_EMR"
CASES = {
    "none": [],
    "running_on_the_second_page": [step(5, "other", "RUNNING"), step(4, "other2", "PENDING"),
                                   step(3, DAY, "RUNNING")],
    "pending": [step(7, DAY, "PENDING")],
    "completed_only": [step(9, DAY, "COMPLETED")],
    "failed_only": [step(8, DAY, "FAILED")],
    "another_day_running": [step(6, "PlaceImpression_1Range_20261119_EMR", "RUNNING")],
}
out = {}
for name, steps in CASES.items():
    emr, ti = Emr(steps), Ti()
    branch = branch_on_step_in_flight("j-1", DAY, "add_batch_step", "watch_batch_step", ti, emr=emr)
    out[name] = {"branch": branch, "step_id": ti.pushed.get("step_id", "not pushed"), "calls": emr.calls}
print(json.dumps(out, indent=1, sort_keys=True))
