"""Answerers: pick one with ANSWERER (openai.py reads its own settings: CHAT_MODEL, OPENAI_*)."""

from core.answerers.base import Answerer
from core.settings import AnswererName, Settings


def make_answerer(settings: Settings) -> Answerer:
    if settings.answerer is AnswererName.OPENAI:
        from core.answerers import openai

        return openai.create()
    from core.answerers.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer()
