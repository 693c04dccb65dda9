"""Split text into overlapping chunks, cutting at paragraph, sentence or word boundaries."""

import re

from core.errors import TextTooLong

_WHITESPACE = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Preferred cut points, best first: paragraph end, sentence end, any whitespace.
_BOUNDARIES = ("\n\n", ". ", "? ", "! ", "\n", " ")


def normalize(text: str) -> str:
    """Collapse runs of spaces and blank lines; keep paragraph breaks."""
    lines = (_WHITESPACE.sub(" ", line).strip() for line in text.splitlines())
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def split_text(text: str, size: int, overlap: int, max_chunks: int) -> list[str]:
    """Chunks of at most `size` characters; each starts about `overlap` characters before the
    previous one ended, so a sentence cut at a boundary still appears whole in one chunk.

    Raises TextTooLong as soon as the text makes more than `max_chunks` chunks."""
    if not 0 <= overlap < size:
        raise ValueError("overlap must be at least 0 and smaller than size")
    text = normalize(text)
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            end = _cut_point(text, start, end)
        chunk = text[start:end].strip()
        if chunk:
            if len(chunks) == max_chunks:
                raise TextTooLong(f"the text makes more than {max_chunks} chunks (MAX_CHUNKS)")
            chunks.append(chunk)
        if end >= len(text):
            break
        start = _next_start(text, start, end, overlap)
    return chunks


def _cut_point(text: str, start: int, end: int) -> int:
    """The last boundary in the second half of text[start:end], else end."""
    floor = start + (end - start) // 2
    for boundary in _BOUNDARIES:
        position = text.rfind(boundary, floor, end)
        if position != -1:
            return position + len(boundary)
    return end


def _next_start(text: str, start: int, end: int, overlap: int) -> int:
    """Start `overlap` characters before end, moved forward to the next word start."""
    candidate = max(end - overlap, start + 1)
    if overlap and candidate < end:
        space = text.find(" ", candidate, end)
        if space != -1:
            candidate = space + 1
    return candidate
