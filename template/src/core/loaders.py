"""Turn an uploaded file (text, Markdown, HTML, PDF) into plain text, at most `max_chars` of it.

Every loader stops as soon as the text is over the limit (a small PDF can expand to gigabytes
of text), and reads HTML in one linear pass (no input can make it slow).
"""

import html
import io
import re
from collections.abc import Callable
from pathlib import PurePath

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.errors import EmptyDocument, NotText, TextTooLong, UnsupportedFileType

# Control characters other than tab, line feed, form feed and carriage return: text files
# have none (a NUL says "binary"); HTML and PDF text loses them.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _too_long(filename: str, max_chars: int) -> TextTooLong:
    return TextTooLong(f"{filename} has more than {max_chars} characters of text (MAX_TEXT_CHARS)")


def _decode(content: bytes, filename: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotText(f"{filename} is not UTF-8 text: {error.reason}") from None


def load_plain(content: bytes, filename: str, max_chars: int) -> str:
    text = _decode(content, filename)
    if _CONTROLS.search(text):
        raise NotText(f"{filename} is not text: it holds binary control characters")
    if len(text) > max_chars:
        raise _too_long(filename, max_chars)
    return text


# Elements whose content is not visible text (skipped up to their end tag).
_SKIPPED = ("script", "style", "title", "noscript", "template", "textarea")
_SKIPPED_END = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _SKIPPED}
_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section"})
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")
# The rest of a tag up to its ">", quoted attribute values included.
_TAG_REST = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")


def html_text(page: str) -> str:
    """The visible text of an HTML page; block elements become paragraph breaks.

    One pass from left to right: every search starts where the previous one ended, and a
    construct left open (comment, tag, quote) takes the rest of the page, as in a browser.
    """
    parts: list[str] = []
    position = 0
    while (start := page.find("<", position)) != -1:
        parts.append(html.unescape(page[position:start]))
        if page.startswith("<!--", start):
            end = page.find("-->", start + 4)
            position = len(page) if end == -1 else end + 3
            continue
        tag = _TAG_NAME.match(page, start)
        if tag is None:
            if page.startswith(("<!", "<?"), start):  # doctype, processing instruction
                end = page.find(">", start)
                position = len(page) if end == -1 else end + 1
            else:
                parts.append("<")
                position = start + 1
            continue
        rest = _TAG_REST.match(page, tag.end())
        if rest is None:
            return "".join(parts)  # an unfinished tag ends the page
        position = rest.end()
        name = tag.group(1).lower()
        if name in _BLOCKS:
            parts.append("\n\n")
        if name in _SKIPPED and not tag.group(0).startswith("</"):
            end_tag = _SKIPPED_END[name].search(page, position)
            position = len(page) if end_tag is None else end_tag.start()
    parts.append(html.unescape(page[position:]))
    return "".join(parts)


def load_html(content: bytes, filename: str, max_chars: int) -> str:
    text = _CONTROLS.sub("", html_text(_decode(content, filename)))
    if len(text) > max_chars:
        raise _too_long(filename, max_chars)
    return text


class _StopExtraction(BaseException):
    """Raised by the text visitor: pypdf logs and skips any Exception raised inside a form
    XObject, so a page drawing one form a million times would go on."""


def load_pdf(content: bytes, filename: str, max_chars: int) -> str:
    """Page by page; extraction stops at the first piece of text over the limit."""
    extracted = 0

    def count(text: str, *_: object) -> None:
        nonlocal extracted
        extracted += len(text)
        if extracted > max_chars:
            raise _StopExtraction

    pages = []
    try:
        for page in PdfReader(io.BytesIO(content)).pages:
            pages.append(page.extract_text(visitor_text=count) or "")
    except _StopExtraction:
        raise _too_long(filename, max_chars) from None
    except (PyPdfError, ValueError, KeyError, OSError, RecursionError) as error:
        raise EmptyDocument(f"{filename} is not a readable PDF: {error}") from None
    text = _CONTROLS.sub("", "\n\n".join(pages))
    if len(text) > max_chars:
        raise _too_long(filename, max_chars)
    return text


Loader = Callable[[bytes, str, int], str]
LOADERS: dict[str, Loader] = {
    ".txt": load_plain,
    ".md": load_plain,
    ".markdown": load_plain,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
}


def load_text(filename: str, content: bytes, max_chars: int) -> str:
    """The text of the document (at most max_chars characters); raises UnsupportedFileType,
    NotText, TextTooLong or EmptyDocument."""
    suffix = PurePath(filename).suffix.lower()
    loader = LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(sorted(LOADERS))
        raise UnsupportedFileType(f"{suffix or 'no extension'} is not supported ({supported})")
    text = loader(content, filename, max_chars)
    if not text.strip():
        raise EmptyDocument(f"{filename} contains no text")
    return text
