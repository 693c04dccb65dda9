"""The shell commands a README shows, and how each can be checked without a Docker engine."""

from __future__ import annotations

import re

from tests.support.processes import BIN

COMPOSE = str(BIN / "docker-compose")
FENCE = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.DOTALL | re.MULTILINE)
# Targets that serve until stopped: only their dry run (make -n) is checked.
SERVERS = {"dev", "watch", "logs"}
# A dry run mentioning one of these needs more than the project itself.
NEEDS_DOCKER = re.compile(r"\bdocker\b|\bcurl\b")
NEEDS_PYPI = re.compile(r"\buvx?\b")


def commands(markdown: str) -> list[str]:
    """Every command of the ```sh blocks: continuation lines joined, comments dropped."""
    found = []
    for block in FENCE.findall(markdown):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #", 1)[0].strip()
            if line and not line.startswith("#"):
                found.append(line)
    return found


def compose_flags(words: list[str]) -> list[str]:
    """The global flags of `docker compose [flags] <subcommand> ...` (files, profiles...)."""
    args = words[2:]
    kept: list[str] = []
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        kept.append(flag)
        if flag in ("-f", "--file", "--profile", "-p", "--project-name", "--env-file") and args:
            kept.append(args.pop(0))
    return kept


def make_kind(target: str, dry_run: str) -> str:
    """How a make target can be checked here:
    'server' (runs until stopped), 'docker' (needs the engine or the running stack), 'release'
    (needs a released template to update from): dry run only; 'pypi' (installs from PyPI):
    run in the slow tier; 'local': run for real."""
    if target in SERVERS:
        return "server"
    if NEEDS_DOCKER.search(dry_run):
        return "docker"
    if "copier" in dry_run:
        return "release"
    if NEEDS_PYPI.search(dry_run):
        return "pypi"
    return "local"
