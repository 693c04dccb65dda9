"""Update tier: real `copier update` between tagged releases of a throwaway template clone.

The real repository is never tagged: each test snapshots the working tree (copier.yml and
template/, uncommitted work included) into a temporary git repository and scripts older
releases there.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy
from updating import REPO, TEMPLATE_PARTS, TemplateClone, git, tree


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits made by the tests and by copier need an identity; keep the user's config out."""
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Update Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "update-test@example.com")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def template_clone(tmp_path: Path) -> TemplateClone:
    """Snapshot of the working tree's template, committed (untagged) in a new git repo."""
    dest = tmp_path / "template"
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for relpath in filter(None, listed.split("\0")):
        source = REPO / relpath
        if relpath.startswith(TEMPLATE_PARTS) and source.is_file():
            (dest / relpath).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / relpath)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot of the working tree")
    return TemplateClone(dest)


@pytest.fixture
def fresh(template_clone: TemplateClone, tmp_path: Path) -> Callable[..., dict[str, bytes]]:
    """fresh(ref, **answers): the files of a brand-new project, to compare updates against."""
    counter = iter(range(1_000))

    def _fresh(ref: str, **answers: Any) -> dict[str, bytes]:
        dest = tmp_path / f"fresh{next(counter)}"
        run_copy(
            str(template_clone.path), dest, data=answers, defaults=True, vcs_ref=ref, quiet=True
        )
        return tree(dest)

    return _fresh
