"""Objects the routes receive through FastAPI dependencies (created once, in the lifespan)."""

from typing import Annotated

from fastapi import Depends, Request

from api.storage import service_of
from core.service import RagService
from core.settings import Settings


def get_service(request: Request) -> RagService:
    return service_of(request.app)


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


Service = Annotated[RagService, Depends(get_service)]
AppSettings = Annotated[Settings, Depends(get_settings)]
