"""Render every option alone and a pairwise cover of all options; run every check on each."""

from __future__ import annotations

import pytest

from tests.fast.checks import CHECKS, DEFECTS
from tests.fast.matrix import answer_sets
from tests.support.answers import label


@pytest.mark.parametrize("check", list(CHECKS), ids=str)
@pytest.mark.parametrize("answers", answer_sets(), ids=label)
def test_rendered_project_is_clean(answers, check, rendered):
    problems = CHECKS[check](rendered(answers), answers)
    assert not problems, "\n".join(problems)


def test_every_check_has_a_planted_defect():
    assert set(DEFECTS) == set(CHECKS.values())
