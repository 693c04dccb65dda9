"""Update tier: real `copier update` between tagged releases of a throwaway template clone.

The real repository is never tagged: each test snapshots the working tree (copier.yml and
template/, uncommitted work included) into a temporary git repository and scripts older
releases there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.update.updating import TemplateClone, fresh_tree, snapshot_template


@pytest.fixture(autouse=True, scope="session")
def git_identity():
    """Commits made by the tests and by copier need an identity; keep the user's config out."""
    with pytest.MonkeyPatch.context() as patch:
        for who in ("AUTHOR", "COMMITTER"):
            patch.setenv(f"GIT_{who}_NAME", "Update Test")
            patch.setenv(f"GIT_{who}_EMAIL", "update-test@example.com")
        patch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        yield


@pytest.fixture
def template_clone(tmp_path: Path) -> TemplateClone:
    """Snapshot of the working tree's template, committed (untagged) in a new git repo."""
    return snapshot_template(tmp_path / "template")


@pytest.fixture
def fresh(template_clone: TemplateClone, tmp_path: Path) -> Callable[..., dict[str, bytes]]:
    """fresh(ref, **answers): the files of a brand-new project, to compare updates against."""
    counter = iter(range(1_000))

    def _fresh(ref: str, **answers: Any) -> dict[str, bytes]:
        return fresh_tree(template_clone, tmp_path / f"fresh{next(counter)}", ref, **answers)

    return _fresh
