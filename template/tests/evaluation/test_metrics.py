"""The ranking metrics on hand-computed cases."""

import math

import pytest

from evaluation.metrics import first_relevant_rank, hit_at, ndcg_at, reciprocal_rank

RANKED = ["a.md", "b.md", "c.md"]


def test_first_relevant_rank_and_reciprocal_rank() -> None:
    assert first_relevant_rank(RANKED, {"b.md"}) == 2
    assert reciprocal_rank(RANKED, {"b.md", "c.md"}) == 0.5
    assert reciprocal_rank(RANKED, {"z.md"}) == 0.0


def test_hit_at_k() -> None:
    assert hit_at(RANKED, {"c.md"}, 1) == 0.0
    assert hit_at(RANKED, {"c.md"}, 3) == 1.0


@pytest.mark.parametrize(
    ("relevant", "expected"),
    [
        ({"a.md"}, 1.0),
        ({"b.md"}, 1 / math.log2(3)),
        ({"a.md", "c.md"}, (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))),
        ({"z.md"}, 0.0),
    ],
)
def test_ndcg(relevant: set[str], expected: float) -> None:
    assert ndcg_at(RANKED, relevant, 10) == pytest.approx(expected)
