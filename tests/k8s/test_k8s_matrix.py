"""Every answer set of the fast matrix with kubernetes=true: both overlays render, and every
check holds."""

from __future__ import annotations

import pytest

from tests.k8s.k8skit import CHECKS, k8s_answer_sets
from tests.support.answers import label


@pytest.mark.parametrize("check", list(CHECKS), ids=str)
@pytest.mark.parametrize("answers", k8s_answer_sets(), ids=label)
def test_manifests_are_sound(answers, check, manifests):
    problems = CHECKS[check](manifests(answers))
    assert not problems, "\n".join(problems)
