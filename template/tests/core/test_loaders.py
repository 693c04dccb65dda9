import os
import signal
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import pytest

from core.errors import EmptyDocument, NotText, TextTooLong, UnsupportedFileType
from core.loaders import load_text

LIMIT = 100_000


def test_text_and_markdown_are_read_as_utf8() -> None:
    assert load_text("notes.txt", "Crème brûlée".encode(), LIMIT) == "Crème brûlée"
    assert load_text("README.MD", b"\xef\xbb\xbf# Title\n\nBody", LIMIT) == "# Title\n\nBody"


def test_html_keeps_visible_text_only() -> None:
    page = b"""<html><head><title>T</title><style>p {color: red}</style></head>
    <body><h1>Heading</h1><p>First &amp; second.</p><script>alert("x")</script>
    <ul><li>one</li><li>two</li></ul></body></html>"""
    text = load_text("page.html", page, LIMIT)
    assert "Heading" in text
    assert "First & second." in text
    assert "one" in text and "two" in text
    assert "alert" not in text and "color" not in text


def test_pdf_text_is_extracted(pdf: Callable[[list[str]], bytes]) -> None:
    content = pdf(["The lighthouse keeper logs the tides.", "Second line (with brackets)."])
    text = load_text("report.pdf", content, LIMIT)
    assert "lighthouse keeper logs the tides" in text
    assert "Second line (with brackets)." in text


def test_broken_pdf_is_an_empty_document() -> None:
    with pytest.raises(EmptyDocument, match="not a readable PDF"):
        load_text("broken.pdf", b"%PDF-1.4 this is not a pdf", LIMIT)


@pytest.mark.parametrize("filename", ["image.png", "archive.tar.gz", "Makefile", "doc.docx"])
def test_unsupported_types_are_refused(filename: str) -> None:
    with pytest.raises(UnsupportedFileType):
        load_text(filename, b"some bytes", LIMIT)


@pytest.mark.parametrize("content", [b"", b"   \n\t ", b"<html><body> </body></html>"])
def test_documents_without_text_are_refused(content: bytes) -> None:
    with pytest.raises(EmptyDocument):
        load_text("empty.html", content, LIMIT)


def test_undecodable_text_is_refused() -> None:
    with pytest.raises(NotText, match="not UTF-8"):
        load_text("latin1.txt", "café".encode("latin-1"), LIMIT)


@pytest.mark.parametrize(
    "content", [b"\0" * 4096, b"PK\x03\x04\x14\x00\x00\x00\x08\x00", os.urandom(4096)]
)
def test_binary_files_named_as_text_are_refused(content: bytes) -> None:
    with pytest.raises(NotText, match=r"not (UTF-8 )?text"):
        load_text("notes.txt", content, LIMIT)


def test_html_without_an_explicit_head_end_keeps_its_body() -> None:
    text = load_text("page.html", b"<html><head><title>Title</title><p>The body text.", LIMIT)
    assert text.strip() == "The body text."


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fails the test instead of letting it hang (these inputs took minutes before)."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "page",
    ["<a " * 40_000, "<a b='" * 20_000, "<!--" * 30_000, "</" * 60_000, "<div " * 30_000],
    ids=["open-tags", "open-quotes", "open-comments", "end-tag-starts", "open-divs"],
)
def test_malformed_html_is_read_in_linear_time(page: str) -> None:
    with deadline(20), suppress(EmptyDocument):  # nothing visible: refused, not stuck
        load_text("page.html", page.encode(), 10 * len(page))


def pdf_bomb(draws: int, chars_per_draw: int) -> bytes:
    """A small PDF whose one page draws the same text-filled form `draws` times."""
    line = "A" * 100
    form = "BT /F1 12 Tf " + f"({line}) Tj " * (chars_per_draw // len(line)) + "ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /XObject << /X0 5 0 R >> >> >>",
        compressed(b"", b"/X0 Do\n" * draws),
        compressed(
            b"/Type /XObject /Subtype /Form /BBox [0 0 612 792]"
            b" /Resources << /Font << /F1 6 0 R >> >>",
            form.encode(),
        ),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def compressed(dictionary: bytes, data: bytes) -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        dictionary,
        len(packed),
        packed,
    )


def test_a_pdf_expanding_past_the_limit_is_refused_before_it_is_all_extracted() -> None:
    bomb = pdf_bomb(draws=2_000, chars_per_draw=10_000)  # 20 million characters
    assert len(bomb) < 2_000
    tracemalloc.start()
    try:
        with deadline(60), pytest.raises(TextTooLong, match="MAX_TEXT_CHARS"):
            load_text("bomb.pdf", bomb, LIMIT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MiB used"


def test_text_over_the_limit_is_refused() -> None:
    with pytest.raises(TextTooLong):
        load_text("long.md", b"word " * (LIMIT // 5 + 1), LIMIT)
    with pytest.raises(TextTooLong):
        load_text("long.html", b"<p>word</p>" * LIMIT, LIMIT)
