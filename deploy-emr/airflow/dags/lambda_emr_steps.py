"""The EMR step of a batch replay, as `bin/lambda emr plan` renders it (deploy-emr EmrSteps).

Shared by the DAGs of this folder; a test in deploy-emr checks that the arguments equal the Java
plan for the same dates, so the two cannot drift apart.
"""

BATCH_MAIN = "org.lambdaref.batch.BatchMain"
BATCH_JAR = "batch-layer-emr.jar"
# Airflow Variables, set once per deployment (docs/deploy-emr.md, "Airflow")
CLUSTER_ID = "{{ var.value.lambda_emr_cluster_id }}"
ARTIFACTS_URI = "{{ var.value.lambda_emr_artifacts_uri }}"
ENV = "emr"
# The deployment's overlay file, next to the jars (the default of platform.emr.config-uri): the
# driver runs in a YARN container, where neither Airflow's nor anybody's environment reaches it.
CONFIG_URI = ARTIFACTS_URI + "/lambda.conf"
# The platform's day of a scheduled run: the newest day that has closed (its end plus the source's
# allowed lateness, platform.sources.place_event.allowed-lateness) by the end of the run's data
# interval, in the platform zone (platform.timezone): the date of (data_interval_end - lateness),
# minus one day. Taken from the interval's end because that is the run's time on both lines:
# Airflow 2's cron timetable gives [previous tick, this tick), Airflow 3's default
# (create_cron_data_intervals = False, CronTriggerTimetable) a zero-length interval at this tick,
# whose start would name a day not closed yet. Not {{ ds }}: the logical date, rendered in UTC.
ZONE = "Asia/Seoul"
LATENESS_HOURS = 6
_CLOSED_DAY = (
    "data_interval_end.in_timezone('%s').subtract(hours=%d).subtract(days=1)" % (ZONE, LATENESS_HOURS)
)
DAY = "{{ %s.strftime('%%Y-%%m-%%d') }}" % _CLOSED_DAY
DAY_NODASH = "{{ %s.strftime('%%Y%%m%%d') }}" % _CLOSED_DAY


def batch_step(start_date, iteration_count, name, action_on_failure="CONTINUE"):
    """One spark-submit of the batch layer over `iteration_count` days from `start_date` (templated strings).

    CONTINUE: the cluster `bin/lambda emr cluster` starts runs platform.emr.parallel-steps (4) steps at
    once, and EMR refuses any other ActionOnFailure while StepConcurrencyLevel > 1 (API StepConfig)."""
    return {
        "Name": name,
        "ActionOnFailure": action_on_failure,
        "HadoopJarStep": {
            "Jar": "command-runner.jar",
            "Args": [
                "spark-submit",
                "--deploy-mode", "cluster",
                "--name", name,
                "--class", BATCH_MAIN,
                "--conf", "spark.yarn.maxAppAttempts=1",
                ARTIFACTS_URI + "/" + BATCH_JAR,
                "--env", ENV,
                "--config-uri", CONFIG_URI,
                "--start-date", start_date,
                "--iteration-count", iteration_count,
            ],
        },
    }


# A step still queued or running under the same name is the same period's run: Airflow retries the
# add task after a timeout or a lost worker, and EMR may have accepted the first call. A COMPLETED
# or FAILED one is not reused: clearing a run to redo its day adds the step again (idempotent).
IN_FLIGHT = ["PENDING", "RUNNING"]


def step_in_flight(emr, cluster_id, name):
    """The id of the cluster's step named `name` that is PENDING or RUNNING, or None.

    `emr` is boto3's EMR client (EmrHook(...).conn); ListSteps returns the newest first, 50 a page,
    with a Marker for the next page."""
    kwargs = {"ClusterId": cluster_id, "StepStates": IN_FLIGHT}
    while True:
        page = emr.list_steps(**kwargs)
        for step in page.get("Steps", []):
            if step.get("Name") == name:
                return step["Id"]
        if not page.get("Marker"):
            return None
        kwargs["Marker"] = page["Marker"]


def branch_on_step_in_flight(cluster_id, name, add_task, watch_task, ti, aws_conn_id="aws_default", emr=None):
    """BranchPythonOperator callable: watch a step of the period already in flight (its id pushed as
    XCom 'step_id'), else add one."""
    if emr is None:
        from airflow.providers.amazon.aws.hooks.emr import EmrHook

        emr = EmrHook(aws_conn_id=aws_conn_id).conn
    found = step_in_flight(emr, cluster_id, name)
    ti.xcom_push(key="step_id", value=found)
    return watch_task if found else add_task
