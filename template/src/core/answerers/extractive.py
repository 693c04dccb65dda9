"""Extractive answerer: quotes the retrieved sentences that share the most words with the
question, each followed by the number of its citation. Needs no model."""

import re

from core.answerers.base import NO_MATCH, Answerer
from core.models import Answer, Hit
from core.words import content_words

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _words(text: str) -> set[str]:
    return set(content_words(text))


class ExtractiveAnswerer(Answerer):
    def __init__(self, max_sentences: int = 3) -> None:
        self.max_sentences = max_sentences

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        wanted = _words(question)
        scored: list[tuple[int, float, int, str]] = []  # overlap, hit score, hit rank, sentence
        for rank, hit in enumerate(hits):
            for sentence in _SENTENCE_END.split(hit.text):
                overlap = len(wanted & _words(sentence))
                if overlap:
                    scored.append((overlap, hit.score, rank, sentence.strip()))
        if not scored:
            return Answer(answer=NO_MATCH, citations=[])
        best = sorted(scored, key=lambda item: (-item[0], -item[1], item[2]))
        # Sentences sharing less than half as many words as the best one are left out.
        threshold = (best[0][0] + 1) // 2
        chosen: list[tuple[int, str]] = []
        for overlap, _, rank, sentence in best:
            if overlap < threshold:
                break
            if sentence not in (text for _, text in chosen):
                chosen.append((rank, sentence))
            if len(chosen) == self.max_sentences:
                break
        cited = sorted({rank for rank, _ in chosen})
        number = {rank: position + 1 for position, rank in enumerate(cited)}
        text = " ".join(f"{sentence} [{number[rank]}]" for rank, sentence in chosen)
        return Answer(answer=text, citations=[hits[rank] for rank in cited])


def create() -> ExtractiveAnswerer:
    return ExtractiveAnswerer()
