"""The vector store of this project: the one module of this package besides base.py.

A store module reads its own settings and provides `create(embedding)`. Adding a store is adding
its module; a project keeps only the one it uses.
"""

import importlib
import pkgutil

from core.stores.base import EmbeddingRecord, VectorStore


def make_store(embedding: EmbeddingRecord) -> VectorStore:
    [name] = [module.name for module in pkgutil.iter_modules(__path__) if module.name != "base"]
    return importlib.import_module(f"{__name__}.{name}").create(embedding)
