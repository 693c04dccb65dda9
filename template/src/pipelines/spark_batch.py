"""DAG spark_batch (triggered): the Spark cluster chunks the corpus folder into Parquet, then
bulk-loads the chunks through the API. Each step is a request to the spark-submit service;
a document that fails is reported by the load step (which fails after loading the others)."""

from __future__ import annotations

import os
import re
from datetime import datetime

from airflow.sdk import dag, get_current_context, task

from pipelines import runners

SUBMITTER = os.environ.get("SPARK_SUBMIT_URL", "http://spark-submit:8998")


def submit(step: str) -> dict:
    run_id = get_current_context()["run_id"]
    run = re.sub(r"[^A-Za-z0-9_.-]+", "-", run_id)[:100]
    return runners.run(f"{SUBMITTER}/runs/{run}/{step}", f"spark {step}")


@dag(schedule=None, start_date=datetime(2025, 1, 1), catchup=False, tags=["spark", "ingestion"])
def spark_batch() -> None:
    @task(retries=0)
    def chunk() -> dict:
        return submit("chunk")

    @task(retries=0)
    def load() -> dict:
        return submit("load")

    chunk() >> load()


spark_batch()
