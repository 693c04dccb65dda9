"""Render every option alone and a pairwise cover of all options; run every check on each."""

from __future__ import annotations

import pytest
from render_matrix import answer_sets, label
from static_checks import CHECKS


@pytest.mark.parametrize("check", list(CHECKS), ids=str)
@pytest.mark.parametrize("answers", answer_sets(), ids=label)
def test_rendered_project_is_clean(answers, check, rendered):
    problems = CHECKS[check](rendered(answers), answers)
    assert not problems, "\n".join(problems)
