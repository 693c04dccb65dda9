"""Search modes (SEARCH_MODE) and reciprocal rank fusion.

- vector: the store's nearest chunks; score is the cosine similarity (-1 to 1).
- keyword: the store's full-text search; score is the store's own text relevance (e.g. BM25,
  higher is better), comparable only within one query.
- hybrid (default): both rankings fused by reciprocal rank fusion (Cormack et al., 2009): a
  chunk scores the sum over the rankings of 1 / (60 + its rank, from 1), so the score is at
  most 2/61 and only the order matters. k = 60 is the paper's value: it keeps one ranking's
  first place from outweighing a chunk found high in both.
"""

from core.models import Hit

RRF_K = 60
CANDIDATES = 20  # at least this many chunks from each ranking are fused


def fuse(rankings: list[list[Hit]], top_k: int) -> list[Hit]:
    """The top_k chunks of the rankings (each best first) by reciprocal rank fusion."""
    scores: dict[tuple[str, int], float] = {}
    hits: dict[tuple[str, int], Hit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = (hit.document_id, hit.chunk_index)
            scores[key] = scores.get(key, 0.0) + 1 / (RRF_K + rank)
            hits.setdefault(key, hit)
    best = sorted(scores, key=lambda key: -scores[key])[:top_k]
    return [hits[key].model_copy(update={"score": scores[key]}) for key in best]
