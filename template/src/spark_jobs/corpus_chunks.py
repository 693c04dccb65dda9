"""PySpark job: a corpus folder -> extracted text -> chunks in Parquet -> the API.

    spark-submit corpus_chunks.py chunk --corpus DIR --output DIR
    spark-submit corpus_chunks.py load --chunks DIR --api-url URL

`chunk` writes one row per chunk (filename, chunk_index, text) and one row per file that could
not be read (chunk_index -1, error): a corrupt file fails alone. `load` sends each document's
chunks to the API (POST /documents/chunks, embedded there in batches) and prints a JSON summary;
it exits with 3 when a document failed, after loading the others.
Runs on the cluster's Python (3.10 in Apache's image): standard library and PySpark only.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from pyspark.sql import Row, SparkSession
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

# The application's chunker and what it imports (standard library only), shipped to the
# executors as a zip of the `core` package.
CORE = Path(__file__).resolve().parents[1] / "core"
SHIPPED = ("__init__.py", "errors.py", "chunking.py")
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SCHEMA = StructType(
    [
        StructField("filename", StringType(), False),
        StructField("chunk_index", IntegerType(), False),
        StructField("text", StringType(), True),
        StructField("error", StringType(), True),
    ]
)
PARTIAL_FAILURE = 3


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._hidden += tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in {"script", "style"} and self._hidden > 0
        if tag in {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "tr"}:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def extract(filename: str, content: bytes) -> str:
    """The text of a .txt, .md or .html file (UTF-8); ValueError for anything else."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        raise ValueError(f"unsupported file type {suffix or '(none)'}")
    text = content.decode("utf-8")  # UnicodeDecodeError (a ValueError) on a corrupt file
    if suffix in HTML_SUFFIXES:
        parser = _TextOfHtml()
        parser.feed(text)
        text = "".join(parser.parts)
    return text


def chunk_file(path: str, content: bytes, size: int, overlap: int, max_chunks: int) -> list[Row]:
    from core.chunking import split_text  # on the executors too: shipped with addPyFile
    from core.errors import IngestError

    filename = PurePosixPath(path).name
    try:
        texts = split_text(extract(filename, content), size, overlap, max_chunks)
        if not texts:
            raise ValueError("no text")
    except (ValueError, IngestError) as error:
        return [Row(filename=filename, chunk_index=-1, text=None, error=f"{error}")]
    return [Row(filename=filename, chunk_index=i, text=t, error=None) for i, t in enumerate(texts)]


def core_archive(folder: Path) -> str:
    archive = folder / "core.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in SHIPPED:
            zipped.write(CORE / name, f"core/{name}")
    return str(archive)


def chunk(
    spark: SparkSession, corpus: str, output: str, size: int, overlap: int, max_chunks: int = 5000
) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        spark.sparkContext.addPyFile(core_archive(Path(folder)))
        files = spark.sparkContext.binaryFiles(Path(corpus).resolve().as_uri())
        rows = files.flatMap(lambda item: chunk_file(item[0], item[1], size, overlap, max_chunks))
        frame = spark.createDataFrame(rows, SCHEMA)
        frame.write.mode("overwrite").parquet(output)
    written = spark.read.parquet(output)
    failed = written.where("error IS NOT NULL").count()
    return {
        "documents": written.where("error IS NULL").select("filename").distinct().count(),
        "chunks": written.where("error IS NULL").count(),
        "failed": failed,
        "output": output,
    }


def post_chunks(api_url: str, filename: str, texts: list[str], api_key: str) -> None:
    request = urllib.request.Request(
        f"{api_url.rstrip('/')}/documents/chunks",
        data=json.dumps({"filename": filename, "texts": texts}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    if api_key:
        request.add_header("Authorization", f"Bearer {api_key}")
    with urllib.request.urlopen(request, timeout=300):
        pass


def read_api_key() -> str:
    """The API's key: the file named by API_KEY_FILE (a Compose secret), else API_KEY."""
    if path := os.environ.get("API_KEY_FILE"):
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get("API_KEY", "")


def load(spark: SparkSession, chunks: str, api_url: str, api_key: str) -> dict:
    frame = spark.read.parquet(chunks)
    failed = {row.filename: row.error for row in frame.where("error IS NOT NULL").collect()}
    rows = frame.where("error IS NULL").orderBy("filename", "chunk_index").toLocalIterator()
    loaded = []
    for filename, group in itertools.groupby(rows, key=lambda row: row.filename):
        try:
            post_chunks(api_url, filename, [row.text for row in group], api_key)
            loaded.append(filename)
        except (urllib.error.URLError, OSError) as error:
            failed[filename] = f"{error}"
    return {"loaded": loaded, "failed": failed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    chunk_step = steps.add_parser("chunk", help="corpus folder -> chunks in Parquet")
    chunk_step.add_argument("--corpus", required=True)
    chunk_step.add_argument("--output", required=True)
    for option, variable, default in [("--chunk-size", "CHUNK_SIZE", 800),
                                      ("--chunk-overlap", "CHUNK_OVERLAP", 120),
                                      ("--max-chunks", "MAX_CHUNKS", 5000)]:  # fmt: skip
        chunk_step.add_argument(option, type=int, default=int(os.environ.get(variable, default)))
    load_step = steps.add_parser("load", help="chunks in Parquet -> the API")
    load_step.add_argument("--chunks", required=True)
    load_step.add_argument("--api-url", default=os.environ.get("API_BASE_URL", "http://api:8000"))
    args = parser.parse_args(argv)

    spark = SparkSession.builder.appName(f"corpus-chunks-{args.step}").getOrCreate()
    try:
        if args.step == "chunk":
            summary = chunk(spark, args.corpus, args.output, args.chunk_size,
                            args.chunk_overlap, args.max_chunks)  # fmt: skip
        else:
            summary = load(spark, args.chunks, args.api_url, read_api_key())
    finally:
        spark.stop()
    print(json.dumps(summary, sort_keys=True))
    return PARTIAL_FAILURE if summary["failed"] and args.step == "load" else 0


if __name__ == "__main__":
    sys.exit(main())
