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
# The platform's day of a scheduled run: the start of its data interval, in the platform zone.
# Not {{ ds }}: Airflow 2 renders the logical date in UTC, and the 07:00 Asia/Seoul run's interval
# starts at 22:00 UTC the day before, so {{ ds }} would name the day before the one to process.
ZONE = "Asia/Seoul"
DAY = "{{ data_interval_start.in_timezone('%s').strftime('%%Y-%%m-%%d') }}" % ZONE
DAY_NODASH = "{{ data_interval_start.in_timezone('%s').strftime('%%Y%%m%%d') }}" % ZONE


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
