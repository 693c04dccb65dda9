"""Where document metadata is kept: the one module of this package besides base.py.

A catalog module reads its own settings and provides `create(store)` (without a metadata
database, the catalog keeps the metadata in the vector store itself).
"""

import importlib
import pkgutil

from core.catalog.base import Catalog
from core.stores.base import VectorStore


def make_catalog(store: VectorStore) -> Catalog:
    [name] = [module.name for module in pkgutil.iter_modules(__path__) if module.name != "base"]
    return importlib.import_module(f"{__name__}.{name}").create(store)
