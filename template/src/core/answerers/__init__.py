"""Answerers: ANSWERER names one of the modules here (besides base.py); each reads its own
settings (openai.py: CHAT_MODEL, OPENAI_*) and provides `create()`."""

import importlib

from core.answerers.base import Answerer
from core.settings import Settings


def make_answerer(settings: Settings) -> Answerer:
    return importlib.import_module(f"{__name__}.{settings.answerer}").create()
