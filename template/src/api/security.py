"""Who may call the API: a key in `Authorization: Bearer <key>`, and a known Host header.

The server keeps only the SHA-256 digests of the keys (API_KEY_HASHES): keys are long random
strings, so one round of SHA-256 is enough and a leaked .env reveals no key. `make api-key`
creates a key and appends its digest. API_AUTH=off turns the check off: only for an API that
answers nobody but a gateway which authenticates the callers itself.
"""

import hashlib
import hmac
from typing import Annotated, Literal

from fastapi import HTTPException, Request, Security, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from core.settings import EnvSettings, SettingsError

# Probes call these without a key, under whatever Host they know (an IP address in Kubernetes).
OPEN_PATHS = frozenset({"/healthz", "/readyz"})


class SecuritySettings(EnvSettings):
    """One field per environment variable: the field name in upper case."""

    # The SHA-256 digests (hex) of the accepted keys, comma-separated.
    api_key_hashes: str = ""
    api_auth: Literal["on", "off"] = "on"
    # Host names the API answers to (comma-separated; "*" for any): a foreign Host header is
    # refused, so that a web page cannot reach the API through DNS rebinding.
    allowed_hosts: str = "localhost,127.0.0.1,api,proxy"

    def key_hashes(self) -> list[str]:
        return [digest.strip().lower() for digest in self.api_key_hashes.split(",") if digest]

    def host_names(self) -> list[str]:
        return [host.strip() for host in self.allowed_hosts.split(",") if host.strip()]


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeys:
    """The accepted keys, as digests; `None` accepts every request (API_AUTH=off)."""

    def __init__(self, digests: list[str] | None) -> None:
        self.digests = digests

    @classmethod
    def from_settings(cls, settings: SecuritySettings) -> "ApiKeys":
        if settings.api_auth == "off":
            return cls(None)
        if not settings.key_hashes():
            raise SettingsError(
                "invalid settings: API_KEY_HASHES is empty: create a key with `make api-key`, "
                "or set API_AUTH=off to serve the API without keys"
            )
        return cls(settings.key_hashes())

    def accepts(self, key: str | None) -> bool:
        if self.digests is None:
            return True
        if not key:
            return False
        digest = hash_key(key)
        # Compared with every digest, in constant time: the answer's timing tells nothing.
        matches = [hmac.compare_digest(digest, known) for known in self.digests]
        return any(matches)


bearer = HTTPBearer(auto_error=False, description="An API key (`make api-key` creates one).")


def require_api_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> None:
    """401 unless the request carries an accepted key."""
    keys: ApiKeys = request.app.state.api_keys
    if not keys.accepts(credentials.credentials if credentials else None):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="missing or invalid API key: send `Authorization: Bearer <key>`",
            headers={"WWW-Authenticate": "Bearer"},
        )


class TrustedHosts:
    """Starlette's TrustedHostMiddleware with ALLOWED_HOSTS (read at start-up); the probes'
    paths answer any Host."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.checked: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        if self.checked is None:
            hosts = scope["app"].state.security.host_names()
            self.checked = TrustedHostMiddleware(self.app, allowed_hosts=hosts)
        await self.checked(scope, receive, send)
