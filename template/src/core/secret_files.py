"""Settings read from files, so that no password needs to be an environment variable.

NAME_FILE names a file holding the setting NAME (a Compose secret under /run/secrets/, a
mounted Kubernetes Secret). NAME_PASSWORD_FILE holds the password of the URL NAME, which then
names none: with STORE_URL=scheme://app@host:5432/app, the password is inserted (quoted)
after "app:". Both variables are read from the environment; a setting of .env gives way to
its file. Without them nothing changes. An empty file of an optional setting (default None,
such as a provider's API key) is no value: the setting stays unset.
"""

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource


class SecretFileError(ValueError):
    """A file setting that cannot be used: both set, unreadable, or a URL it cannot complete."""


class SecretFilesSource(PydanticBaseSettingsSource):
    """NAME_FILE and NAME_PASSWORD_FILE for every field; `below` are the sources a URL may come
    from (the environment, then .env)."""

    def __init__(
        self, settings_cls: type[BaseSettings], *below: PydanticBaseSettingsSource
    ) -> None:
        super().__init__(settings_cls)
        self.below = below

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ reads every field at once

    def __call__(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field_name, field in self.settings_cls.model_fields.items():
            name = field_name.upper()
            if path := os.environ.get(f"{name}_FILE"):
                if name in os.environ:
                    raise SecretFileError(f"{name} and {name}_FILE are both set: keep one")
                text = read_secret(f"{name}_FILE", path)
                if text or field.is_required() or field.default is not None:
                    values[field_name] = text
            if path := os.environ.get(f"{name}_PASSWORD_FILE"):
                url = values.get(field_name) or self.from_below(field_name)
                if not url:
                    raise SecretFileError(f"{name}_PASSWORD_FILE is set but {name} is not")
                password = read_secret(f"{name}_PASSWORD_FILE", path)
                values[field_name] = with_password(name, str(url), password)
        return values

    def from_below(self, field_name: str) -> Any:
        for source in self.below:
            if (value := source().get(field_name)) is not None:
                return value
        return None


def read_secret(variable: str, path: str) -> str:
    """The file's text without its final line break."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise SecretFileError(f"{variable}={path} cannot be read: {reason}") from None
    return text.removesuffix("\n").removesuffix("\r")


def with_password(name: str, url: str, password: str) -> str:
    parts = urlsplit(url)
    if parts.password is not None:
        raise SecretFileError(f"{name} has a password and {name}_PASSWORD_FILE too: keep one")
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username or ''}:{quote(password, safe='')}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))
