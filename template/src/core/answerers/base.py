"""The answerer interface: a question and the retrieved chunks in, an answer with citations out."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import NamedTuple

from core.models import Answer, Hit

NO_MATCH = "No ingested document matches the question."


class StreamedAnswer(NamedTuple):
    """An answer as it is generated: its citations ([n] is citations[n - 1]), then its text."""

    citations: list[Hit]
    text: Iterator[str]


class Answerer(ABC):
    @abstractmethod
    def answer(self, question: str, hits: list[Hit]) -> Answer: ...

    def stream(self, question: str, hits: list[Hit]) -> StreamedAnswer:
        """The answer in pieces as they are generated; here all at once."""
        answer = self.answer(question, hits)
        return StreamedAnswer(answer.citations, iter([answer.answer]))
