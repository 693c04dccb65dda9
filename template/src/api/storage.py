"""The service, opened even when its storage cannot be used at start-up (read-only or full
folder, database down): the API starts, GET /readyz says why, other routes answer 503; each
use tries to open it again. /readyz also fails when the data folder's disk is nearly full."""

import shutil
import threading
from pathlib import Path

from fastapi import FastAPI

from api.errors import STORAGE_ERRORS
from core.errors import StorageUnavailable
from core.service import RagService
from core.settings import Settings

OPEN_FAILURES = (OSError, *STORAGE_ERRORS)

_opening = threading.Lock()


def open_service(app: FastAPI) -> None:
    """app.state.service, or None and app.state.service_error saying why."""
    try:
        app.state.service = RagService(app.state.settings)
    except OPEN_FAILURES as error:
        app.state.service = None
        app.state.service_error = f"{type(error).__name__}: {error}"


def service_of(app: FastAPI) -> RagService:
    if app.state.service is None:
        with _opening:
            if app.state.service is None:
                open_service(app)
    if app.state.service is None:
        raise StorageUnavailable(f"the store cannot be opened: {app.state.service_error}")
    return app.state.service


def service_readiness(app: FastAPI) -> dict[str, str]:
    try:
        service = service_of(app)
    except StorageUnavailable:
        return {"vector_store": app.state.service_error}
    return service.check_ready()


def free_disk_bytes(folder: Path) -> int:
    """Free space of the disk holding folder (or its nearest existing parent)."""
    folder = folder.resolve()
    while not folder.exists():
        folder = folder.parent
    return shutil.disk_usage(folder).free


def disk_readiness(settings: Settings) -> dict[str, str]:
    free = free_disk_bytes(settings.data_dir)
    if free < settings.min_free_disk_bytes:
        return {"disk": f"{free} bytes free in {settings.data_dir}, less than MIN_FREE_DISK_BYTES"}
    return {"disk": "ok"}
