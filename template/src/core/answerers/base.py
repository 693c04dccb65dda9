"""The answerer interface: a question and the retrieved chunks in, an answer with citations out."""

from abc import ABC, abstractmethod

from core.models import Answer, Hit

NO_MATCH = "No ingested document matches the question."


class Answerer(ABC):
    @abstractmethod
    def answer(self, question: str, hits: list[Hit]) -> Answer: ...
