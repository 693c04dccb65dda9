"""Turn an uploaded file (text, Markdown, HTML, PDF) into plain text."""

import io
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import PurePath

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.errors import EmptyDocument, UnsupportedFileType


def _decode(content: bytes, filename: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EmptyDocument(f"{filename} is not UTF-8 text: {error.reason}") from None


def load_plain(content: bytes, filename: str) -> str:
    return _decode(content, filename)


class _TextExtractor(HTMLParser):
    """Keeps the visible text of an HTML page; block elements become line breaks."""

    _SKIPPED = frozenset({"script", "style", "noscript", "template", "head"})
    _BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def load_html(content: bytes, filename: str) -> str:
    parser = _TextExtractor()
    parser.feed(_decode(content, filename))
    parser.close()
    return "".join(parser.parts)


def load_pdf(content: bytes, filename: str) -> str:
    try:
        reader = PdfReader(io.BytesIO(content))
        return "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError) as error:
        raise EmptyDocument(f"{filename} is not a readable PDF: {error}") from None


LOADERS: dict[str, Callable[[bytes, str], str]] = {
    ".txt": load_plain,
    ".md": load_plain,
    ".markdown": load_plain,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
}


def load_text(filename: str, content: bytes) -> str:
    """The text of the document; raises UnsupportedFileType or EmptyDocument."""
    suffix = PurePath(filename).suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        raise UnsupportedFileType(f"{suffix or 'no extension'} is not supported ({supported})")
    text = loader(content, filename)
    if not text.strip():
        raise EmptyDocument(f"{filename} contains no text")
    return text
