"""An answer as server-sent events: `sources` (the citations), `token` (each piece of text as it
is generated), then `done` (the whole answer), or `error` if the provider fails midway."""

import json
import logging
from collections.abc import Iterator
from typing import Any

from core.answerers.base import StreamedAnswer
from core.errors import ProviderError
from core.models import Answer

logger = logging.getLogger(__name__)
MEDIA_TYPE = "text/event-stream"


def event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def answer_events(streamed: StreamedAnswer) -> Iterator[str]:
    yield event("sources", [hit.model_dump() for hit in streamed.citations])
    pieces = []
    try:
        for piece in streamed.text:
            pieces.append(piece)
            yield event("token", {"text": piece})
    except ProviderError as error:
        logger.warning("answer stream failed: %s", error)
        yield event("error", {"detail": f"the answering provider failed: {error}"})
        return
    answer = Answer(answer="".join(pieces).strip(), citations=streamed.citations)
    yield event("done", answer.model_dump())
