"""Rendering the template with the real Copier, and the per-session cache of renders."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

from copier import run_copy

from tests.support import REPO
from tests.support.answers import Answers, key

# Not part of a render: local state at the top of the working tree.
LOCAL = {".git", ".venv", ".pytest_cache", ".ruff_cache", "site"}


def render(
    dest: Path, answers: Answers, template: Path = REPO, vcs_ref: str | None = "HEAD"
) -> Path:
    """`copier copy --defaults` of template into dest (no --trust). vcs_ref="HEAD" renders the
    working tree of a git template, uncommitted changes included; None a folder without git."""
    run_copy(
        str(template), dest, data=answers, defaults=True, vcs_ref=vcs_ref, quiet=True,
        unsafe=False,
    )  # fmt: skip
    return dest


def snapshot(dest: Path) -> Path:
    """The working tree copied without git: renders from it skip Copier's git clone (about
    1 s each). Their answers files carry no `_commit`."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        return (LOCAL if Path(folder) == REPO else {"__pycache__"}) & set(names)

    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


class Renders:
    """renders(answers) -> project path, rendered once per answer set.

    Treat a result as read-only (copy it to change it). A failed render is re-raised every
    time it is asked for.
    """

    def __init__(self, template: Path, new_folder: Callable[[], Path]) -> None:
        self.template = template
        self.new_folder = new_folder
        self.cache: dict[str, Path | Exception] = {}

    def __call__(self, answers: Answers) -> Path:
        if key(answers) not in self.cache:
            try:
                dest = render(self.new_folder() / "project", answers, self.template, None)
                self.cache[key(answers)] = dest
            except Exception as error:  # noqa: BLE001 - reported by every test asking for it
                self.cache[key(answers)] = error
        result = self.cache[key(answers)]
        if isinstance(result, Exception):
            raise result
        return result


def extract(ref: str, dest: Path, parts: tuple[str, ...] = ("copier.yml", "template")) -> Path:
    """The template as it was at a commit of this repository (git archive), into dest."""
    archive = subprocess.run(
        ["git", "archive", ref, *parts], cwd=REPO, capture_output=True, check=False
    )
    assert archive.returncode == 0, archive.stderr.decode()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    return dest
