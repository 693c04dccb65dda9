"""FAISS: an index file in FAISS_DIR, chunk texts and metadata in a SQLite file beside it.

Safe against concurrent writers (API and worker processes): every change happens under a file
lock, re-reads the index if another process changed it, and replaces the file atomically
(write to a temporary file, then rename), so readers always see a complete index.
"""

import os
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import faiss
import numpy as np
from filelock import FileLock

from core.embedders.base import Vectors
from core.models import DocumentInfo, Hit
from core.settings import EnvSettings
from core.stores.base import VectorStore, parse_time

SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id TEXT NOT NULL,
    version TEXT NOT NULL,
    source TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    chunks INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks (document_id, version);
"""


class FaissSettings(EnvSettings):
    faiss_dir: Path = Path("data/vectors")


class FaissStore(VectorStore):
    name = "faiss"

    def __init__(self, directory: Path, dim: int, lock_timeout: float = 60) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.dim = dim
        self._index_path = directory / "index.faiss"
        self._db_path = directory / "chunks.sqlite3"
        self._file_lock = FileLock(directory / "write.lock", timeout=lock_timeout)
        self._mutex = threading.RLock()  # threads of this process share one index object
        self._index: faiss.Index | None = None
        self._stamp: tuple[int, int] | None = None
        with self._file_lock, closing(self._connect()) as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._db_path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # WAL: still consistent after a crash
        return db

    def _current_index(self) -> faiss.Index:
        """The index as on disk, re-read when another process replaced the file."""
        try:
            stat = self._index_path.stat()
            stamp = (stat.st_ino, stat.st_mtime_ns)
        except FileNotFoundError:
            stamp = None
        if self._index is None or stamp != self._stamp:
            if stamp is None:
                self._index = faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))
            else:
                self._index = faiss.read_index(str(self._index_path))
            self._stamp = stamp
        if self._index.d != self.dim:
            raise ValueError(
                f"{self._index_path} holds {self._index.d}-dimensional vectors but the embedder "
                f"makes {self.dim}: delete the index or change EMBEDDING_DIM"
            )
        return self._index

    def _save(self, index: faiss.Index) -> None:
        temporary = self._index_path.with_name(f".{self._index_path.name}.{os.getpid()}.tmp")
        faiss.write_index(index, str(temporary))
        os.replace(temporary, self._index_path)

    def _forget_index(self) -> None:
        """After a failed change: the in-memory index may differ from the file."""
        self._index = None

    def add(self, document: DocumentInfo, version: str, texts: list[str], vectors: Vectors) -> None:
        rows = [
            (
                document.document_id,
                version,
                document.filename,
                index,
                document.chunks,
                document.ingested_at.isoformat(),
                text,
            )
            for index, text in enumerate(texts)
        ]
        with self._mutex, self._file_lock, closing(self._connect()) as db:
            try:
                with db:  # one transaction: committed only if the index was saved
                    ids = [
                        db.execute(
                            "INSERT INTO chunks (document_id, version, source, chunk_index,"
                            " chunks, ingested_at, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            row,
                        ).lastrowid
                        for row in rows
                    ]
                    index = self._current_index()
                    index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))
                    self._save(index)
            except BaseException:
                self._forget_index()
                raise

    def delete(self, document_id: str, keep_version: str | None = None) -> int:
        query = "SELECT id FROM chunks WHERE document_id = ? AND version != ?"
        return self._delete(query, (document_id, keep_version or ""))

    def delete_version(self, document_id: str, version: str) -> None:
        query = "SELECT id FROM chunks WHERE document_id = ? AND version = ?"
        self._delete(query, (document_id, version))

    def _delete(self, query: str, parameters: tuple[str, str]) -> int:
        with self._mutex, self._file_lock, closing(self._connect()) as db:
            try:
                with db:
                    ids = [row[0] for row in db.execute(query, parameters)]
                    if not ids:
                        return 0
                    db.executemany("DELETE FROM chunks WHERE id = ?", [(i,) for i in ids])
                    index = self._current_index()
                    index.remove_ids(np.asarray(ids, dtype=np.int64))
                    self._save(index)
                    return len(ids)
            except BaseException:
                self._forget_index()
                raise

    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        with self._mutex:
            index = self._current_index()
            if index.ntotal == 0:
                return []
            scores, ids = index.search(vector.reshape(1, -1), top_k)
        found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]
        with closing(self._connect()) as db:
            marks = ",".join("?" * len(found))
            rows = {
                row[0]: row[1:]
                for row in db.execute(
                    "SELECT id, document_id, source, chunk_index, text FROM chunks"
                    f" WHERE id IN ({marks})",
                    [i for i, _ in found],
                )
            }
        return [
            Hit(
                document_id=rows[i][0],
                source=rows[i][1],
                chunk_index=rows[i][2],
                text=rows[i][3],
                score=score,
            )
            for i, score in found
            if i in rows  # a row deleted since the index was read is skipped
        ]

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        with closing(self._connect()) as db:
            total = db.execute("SELECT count(*) FROM chunks WHERE chunk_index = 0").fetchone()[0]
            rows = db.execute(
                "SELECT document_id, source, chunks, ingested_at FROM chunks"
                " WHERE chunk_index = 0 ORDER BY ingested_at DESC, document_id"
                " LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        items = [
            DocumentInfo(
                document_id=row[0], filename=row[1], chunks=row[2], ingested_at=parse_time(row[3])
            )
            for row in rows
        ]
        return items, total

    def count(self) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    def check(self) -> None:
        with self._mutex:
            self._current_index()
        self.count()


def create(dim: int) -> FaissStore:
    return FaissStore(FaissSettings.read().faiss_dir, dim)
