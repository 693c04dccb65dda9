"""Liveness and readiness: open to every caller (probes send no key), with no data."""

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from api.schemas import ErrorResponse, Readiness

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive (no dependency is checked)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={
        503: {
            "model": ErrorResponse,
            "description": "A dependency is unavailable (or the disk nearly full): see `detail`",
        }
    },
)
def readyz(request: Request) -> JSONResponse:
    """Every dependency answers; otherwise 503 naming the failing ones."""
    checks: dict[str, str] = {}
    for check in request.app.state.readiness:
        checks |= check()
    failing = sorted(name for name, state in checks.items() if state != "ok")
    if failing:
        detail = f"not ready: {', '.join(failing)} unavailable"
        return JSONResponse(
            {"detail": detail, "checks": checks}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE
        )
    return JSONResponse(Readiness(status="ready", checks=checks).model_dump())
