"""The DAGs' secrets: NAME from the file named by NAME_FILE (a Compose secret under
/run/secrets/), else from the environment, as the application reads its own settings."""

from __future__ import annotations

import os
from pathlib import Path


def read(name: str, default: str = "") -> str:
    """NAME_FILE's text without its final line break, else NAME, else default."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text(encoding="utf-8").removesuffix("\n").removesuffix("\r")
    return os.environ.get(name, default)
