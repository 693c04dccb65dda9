"""The PySpark corpus job in local mode: a small corpus chunked into Parquet (a corrupt file
failing alone), then bulk-loaded through the API's POST /documents/chunks."""

import json
import shutil
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from spark_jobs import corpus_chunks

if not shutil.which("java"):
    pytest.skip(
        "not applicable here: PySpark needs Java (Debian: openjdk-17-jre-headless)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def spark():
    # The Python workers import the job's functions from src/, as the driver does.
    src = Path(corpus_chunks.__file__).parents[1]
    session = (
        SparkSession.builder.master("local[1]")
        .appName("test-corpus-chunks")
        .config("spark.executorEnv.PYTHONPATH", str(src))
        .getOrCreate()
    )
    yield session
    session.stop()


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "tides.txt").write_text("The tides follow the moon. " * 60)
    (folder / "kettle.html").write_text(
        "<html><style>p {}</style><p>A kettle boils water for tea.</p></html>"
    )
    (folder / "broken.md").write_bytes(b"\xff\xfe\x00 not utf-8 \xc3")
    return folder


def test_chunks_are_written_and_a_corrupt_file_fails_alone(spark, corpus, tmp_path):
    output = str(tmp_path / "chunks")
    summary = corpus_chunks.chunk(spark, str(corpus), output, size=200, overlap=20)

    assert summary["documents"] == 2 and summary["failed"] == 1, summary
    rows = spark.read.parquet(output).collect()
    tides = sorted((r.chunk_index, r.text) for r in rows if r.filename == "tides.txt")
    assert len(tides) == summary["chunks"] - 1 and len(tides) > 3
    assert all(len(text) <= 200 for _, text in tides)
    [kettle] = [r for r in rows if r.filename == "kettle.html"]
    assert kettle.text == "A kettle boils water for tea."
    [broken] = [r for r in rows if r.filename == "broken.md"]
    assert broken.chunk_index == -1 and "utf-8" in broken.error


def test_the_chunks_are_loaded_through_the_api(spark, corpus, tmp_path, client, monkeypatch):
    output = str(tmp_path / "chunks")
    corpus_chunks.chunk(spark, str(corpus), output, size=200, overlap=20)
    sent = []

    def post_through_the_test_client(api_url, filename, texts, api_key):
        response = client.post("/documents/chunks", json={"filename": filename, "texts": texts})
        assert response.status_code == 201, response.text
        sent.append(response.json())

    monkeypatch.setattr(corpus_chunks, "post_chunks", post_through_the_test_client)
    summary = corpus_chunks.load(spark, output, "http://api", "")

    assert summary["loaded"] == ["kettle.html", "tides.txt"]
    assert list(summary["failed"]) == ["broken.md"]
    hits = client.post("/search", json={"query": "kettle boils water", "top_k": 1}).json()
    assert hits["hits"][0]["source"] == "kettle.html", json.dumps(hits)
