from collections.abc import Callable

import pytest

from core.errors import EmptyDocument, UnsupportedFileType
from core.loaders import load_text


def test_text_and_markdown_are_read_as_utf8() -> None:
    assert load_text("notes.txt", "Crème brûlée".encode()) == "Crème brûlée"
    assert load_text("README.MD", b"\xef\xbb\xbf# Title\n\nBody") == "# Title\n\nBody"


def test_html_keeps_visible_text_only() -> None:
    page = b"""<html><head><title>T</title><style>p {color: red}</style></head>
    <body><h1>Heading</h1><p>First &amp; second.</p><script>alert("x")</script>
    <ul><li>one</li><li>two</li></ul></body></html>"""
    text = load_text("page.html", page)
    assert "Heading" in text
    assert "First & second." in text
    assert "one" in text and "two" in text
    assert "alert" not in text and "color" not in text


def test_pdf_text_is_extracted(pdf: Callable[[list[str]], bytes]) -> None:
    content = pdf(["The lighthouse keeper logs the tides.", "Second line (with brackets)."])
    text = load_text("report.pdf", content)
    assert "lighthouse keeper logs the tides" in text
    assert "Second line (with brackets)." in text


def test_broken_pdf_is_an_empty_document() -> None:
    with pytest.raises(EmptyDocument, match="not a readable PDF"):
        load_text("broken.pdf", b"%PDF-1.4 this is not a pdf")


@pytest.mark.parametrize("filename", ["image.png", "archive.tar.gz", "Makefile", "doc.docx"])
def test_unsupported_types_are_refused(filename: str) -> None:
    with pytest.raises(UnsupportedFileType):
        load_text(filename, b"some bytes")


@pytest.mark.parametrize("content", [b"", b"   \n\t ", b"<html><body> </body></html>"])
def test_documents_without_text_are_refused(content: bytes) -> None:
    with pytest.raises(EmptyDocument):
        load_text("empty.html", content)


def test_undecodable_text_is_refused() -> None:
    with pytest.raises(EmptyDocument, match="not UTF-8"):
        load_text("latin1.txt", "café".encode("latin-1"))
