"""DAG ingest_inbox: every PIPELINE_INBOX_SCHEDULE, the inbox's new or changed documents go to
the API, one task per document (a document that fails fails alone; the run reports it). What
was ingested is remembered in Airflow Variables (one per document), so a run is idempotent:
an unchanged inbox ingests nothing, an empty one succeeds doing nothing."""

from __future__ import annotations

import os
from datetime import datetime

from airflow.sdk import Variable, dag, task

from pipelines import api, inbox


def _seen(name: str) -> str:
    return f"ingest_inbox:{name}"


@dag(
    schedule=os.environ.get("PIPELINE_INBOX_SCHEDULE", "*/10 * * * *"),
    start_date=datetime(2025, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["ingestion"],
)
def ingest_inbox() -> None:
    @task
    def changed_documents() -> list[str]:
        return [
            name
            for name, version in inbox.versions().items()
            if Variable.get(_seen(name), default=None) != version
        ]

    @task(max_active_tis_per_dagrun=2, retries=0)
    def ingest(name: str) -> dict:
        version = inbox.versions().get(name)
        result = api.upload(name.rsplit("/", 1)[-1], inbox.read(name))
        if version:
            Variable.set(_seen(name), version)
        return result

    ingest.expand(name=changed_documents())


ingest_inbox()
