"""Copy from a tagged git snapshot, as a user does: the answers file records the release."""

from __future__ import annotations

import pytest
import yaml

from tests.support import TEMPLATE_PARTS


@pytest.fixture(scope="session")
def copier_template_paths() -> list[str]:
    """What pytest-copier snapshots (git init, commit, tag 99.99.99): the template only."""
    return [part.rstrip("/") for part in TEMPLATE_PARTS]


def test_answers_file_records_release_and_answers(copier, tmp_path):
    answers = {"database": "postgresql", "worker": True, "ci": "gitlab"}
    project = copier.copy(tmp_path / "project", **answers)
    recorded = yaml.safe_load((project.path / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == "99.99.99"  # what `copier update` compares against
    assert {key: recorded[key] for key in answers} == answers
    assert recorded["vector_store"] == "pgvector"  # default derived from database
