"""One router per group of endpoints: every module of this package has a `router`, and may
give it a lifespan of its own (run after the application's)."""

import importlib
import pkgutil

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    return [
        importlib.import_module(f"{__name__}.{module.name}").router
        for module in pkgutil.iter_modules(__path__)
    ]
