"""Re-embed every stored document with the configured embedder: `make reindex`.

Run it after changing EMBEDDER, EMBEDDING_MODEL or EMBEDDING_DIM (the service refuses to start
until then), with the API and the worker stopped. It first exports every document (metadata and
chunk texts) to a file, then empties the store and stores each document again with its new
vectors; the store then records the new embedding. A crash loses nothing: run it again and it
resumes from the export, which is removed only at the end.

    python -m core.reindex --export data/reindex.jsonl
"""

import argparse
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from core.catalog import make_catalog
from core.catalog.base import Catalog
from core.embedders import make_embedder
from core.logging import configure_logging
from core.models import DocumentInfo
from core.service import describe
from core.settings import load_settings
from core.stores import make_store
from core.stores.base import EmbeddingRecord, VectorStore

logger = logging.getLogger(__name__)
PAGE = 500


def export(catalog: Catalog, store: VectorStore, path: Path) -> int:
    """Write each document's metadata and texts to path (complete, or not there at all)."""
    temporary = path.with_name(f".{path.name}.partial")
    count, offset = 0, 0
    with temporary.open("w") as file:
        while page := catalog.documents(offset, PAGE)[0]:
            for document in page:
                texts = store.texts(document.document_id)
                record = {"document": document.model_dump(mode="json"), "texts": texts}
                file.write(json.dumps(record) + "\n")
                count += 1
            offset += len(page)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
    return count


def exported(path: Path) -> Iterator[tuple[DocumentInfo, list[str]]]:
    with path.open() as file:
        for line in file:
            record = json.loads(line)
            yield DocumentInfo.model_validate(record["document"]), record["texts"]


def reindex(path: Path) -> int:
    """Re-embed every document; returns how many. Resumes from path if it exists."""
    settings = load_settings()
    embedder = make_embedder(settings)
    embedding = EmbeddingRecord(embedder.model, embedder.dim)
    store = make_store(embedding)
    catalog = make_catalog(store)
    if not path.exists():
        recorded = store.recorded_embedding()
        if recorded in (None, embedding):
            logger.info("the store already holds vectors of %s", describe(embedding))
            return 0
        count = export(catalog, store, path)
        logger.info("exported %d documents to %s", count, path)
    documents = list(exported(path))
    for document, _ in documents:  # empty first: the store then takes the new embedding
        store.delete(document.document_id)
        catalog.remove(document.document_id)
    for document, texts in documents:
        if texts:
            store.replace(document, texts, embedder.embed(texts))
            catalog.put(document)
    path.unlink()
    logger.info("re-embedded %d documents with %s", len(documents), describe(embedding))
    return len(documents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, default=Path("data/reindex.jsonl"))
    args = parser.parse_args()
    configure_logging()
    args.export.parent.mkdir(parents=True, exist_ok=True)
    reindex(args.export)


if __name__ == "__main__":
    main()
