"""Answerers: pick one with ANSWERER."""

from core.answerers.base import Answerer
from core.settings import AnswererName, Settings


def make_answerer(settings: Settings) -> Answerer:
    if settings.answerer is AnswererName.OPENAI:
        from core.answerers.openai import OpenAIAnswerer
        from core.openai_client import make_client

        return OpenAIAnswerer(make_client(settings), settings.chat_model)
    from core.answerers.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer()
