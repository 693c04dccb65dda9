"""Ranking metrics over the documents search returned, best first (binary relevance)."""

import math


def first_relevant_rank(ranked: list[str], relevant: set[str]) -> int | None:
    """1-based rank of the first relevant document, None if none was returned."""
    return next((rank for rank, name in enumerate(ranked, start=1) if name in relevant), None)


def hit_at(ranked: list[str], relevant: set[str], k: int) -> float:
    return float(any(name in relevant for name in ranked[:k]))


def reciprocal_rank(ranked: list[str], relevant: set[str]) -> float:
    rank = first_relevant_rank(ranked, relevant)
    return 1 / rank if rank else 0.0


def ndcg_at(ranked: list[str], relevant: set[str], k: int) -> float:
    found = [rank for rank, name in enumerate(ranked[:k], start=1) if name in relevant]
    ideal = range(1, min(len(relevant), k) + 1)
    return sum(1 / math.log2(r + 1) for r in found) / sum(1 / math.log2(r + 1) for r in ideal)
