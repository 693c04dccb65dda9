"""The answer sets of the fast tier: every option value alone, every allowed pair covered."""

from __future__ import annotations

from itertools import combinations

from tests.fast.matrix import allowed, one_at_a_time, pairwise
from tests.support.registry import options


def test_every_value_is_rendered_alone():
    singles = {(k, v) for answers in one_at_a_time() for k, v in answers.items()}
    assert singles >= {(k, v) for k, values in options().items() for v in values}


def test_pairwise_cover_is_complete_and_possible():
    opts, rows = options(), pairwise()
    assert all(allowed(row) and set(row) == set(opts) for row in rows)
    missing = [
        (a, va, b, vb)
        for a, b in combinations(opts, 2)
        for va in opts[a]
        for vb in opts[b]
        if allowed({a: va, b: vb}) and not any(r[a] == va and r[b] == vb for r in rows)
    ]
    assert not missing
    # far fewer renders than the full product, which is what makes the tier fast
    full = 1
    for values in opts.values():
        full *= len(values)
    assert len(rows) < full / 10


def test_impossible_pair_is_excluded():
    assert not allowed({"vector_store": "pgvector", "database": "mongodb"})
    assert not any(
        r["vector_store"] == "pgvector" and r["database"] != "postgresql" for r in pairwise()
    )
