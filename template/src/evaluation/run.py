"""Ask every question of the set, rank the documents found, score them."""

from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any

from core.service import RagService
from evaluation.metrics import first_relevant_rank, hit_at, ndcg_at, reciprocal_rank
from evaluation.questions import Question

NDCG_K = 10
# Chunks fetched per question: several chunks of one document count as one ranked document.
CHUNKS_PER_DOCUMENT = 4


@dataclass(frozen=True)
class QuestionResult:
    question: str
    relevant: list[str]
    ranked: list[str]
    rank: int | None
    hit_at_1: float
    hit_at_k: float
    reciprocal_rank: float
    ndcg_at_10: float


@dataclass(frozen=True)
class Report:
    top_k: int
    metrics: dict[str, float]
    questions: list[QuestionResult]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ranked_documents(service: RagService, question: str, depth: int) -> list[str]:
    """Distinct document file names, in the order of their best chunk."""
    hits = service.search(question, depth * CHUNKS_PER_DOCUMENT)
    return list(dict.fromkeys(hit.source for hit in hits))[:depth]


def evaluate(service: RagService, questions: list[Question], top_k: int) -> Report:
    results = []
    for item in questions:
        relevant = set(item.relevant)
        ranked = ranked_documents(service, item.question, max(top_k, NDCG_K))
        results.append(
            QuestionResult(
                question=item.question,
                relevant=item.relevant,
                ranked=ranked,
                rank=first_relevant_rank(ranked, relevant),
                hit_at_1=hit_at(ranked, relevant, 1),
                hit_at_k=hit_at(ranked, relevant, top_k),
                reciprocal_rank=reciprocal_rank(ranked, relevant),
                ndcg_at_10=ndcg_at(ranked, relevant, NDCG_K),
            )
        )
    metrics = {
        "hit_at_1": fmean(r.hit_at_1 for r in results),
        f"hit_at_{top_k}": fmean(r.hit_at_k for r in results),
        "mrr": fmean(r.reciprocal_rank for r in results),
        "ndcg_at_10": fmean(r.ndcg_at_10 for r in results),
    }
    return Report(top_k=top_k, metrics=metrics, questions=results)
