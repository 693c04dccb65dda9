"""Properties of the loaders and of the chunking, over generated inputs (hypothesis): they
raise only the documented errors, keep every piece of text, and stay within their bounds."""

from hypothesis import given, settings
from hypothesis import strategies as st

from core.chunking import normalize, split_text
from core.errors import IngestError, TextTooLong
from core.loaders import LOADERS, html_text, load_text

MAX_CHARS = 5_000
# Text with the characters that matter to the parsers: markup, quotes, entities, whitespace.
MARKUP = st.text(
    st.sampled_from(list("<>/!-?&#;='\" \n\tabcdp")) | st.characters(codec="utf-8"),
    max_size=400,
)
# Prose: numbered words (so that each chunk is found at one place) between the separators the
# chunking cuts at.
WORD = st.text(st.characters(exclude_categories=("Z", "C"), exclude_characters="#"), max_size=15)
PROSE = st.lists(
    st.tuples(WORD, st.sampled_from([" ", ". ", "? ", "! ", "\n", "\n\n", "  "])),
    min_size=10,
    max_size=400,
).map(lambda pieces: "".join(f"#{i}#{word}{sep}" for i, (word, sep) in enumerate(pieces)))


@given(
    suffix=st.sampled_from(sorted(LOADERS)),
    content=st.binary(max_size=2_000) | MARKUP.map(str.encode),
)
@settings(max_examples=300, deadline=None)
def test_loaders_raise_only_ingest_errors(suffix: str, content: bytes) -> None:
    try:
        text = load_text(f"document{suffix}", content, MAX_CHARS)
    except IngestError:
        return
    assert text.strip()
    assert len(text) <= MAX_CHARS
    assert "\0" not in text


@given(page=MARKUP)
@settings(max_examples=300, deadline=None)
def test_html_text_is_at_most_the_page(page: str) -> None:
    assert len(html_text(page)) <= len(page) + 2 * page.count("<")  # block breaks


@given(
    text=PROSE,
    size=st.integers(100, 300),
    overlap_ratio=st.floats(0, 0.9),
)
@settings(max_examples=200, deadline=None)
def test_chunks_are_bounded_and_cover_the_text(text: str, size: int, overlap_ratio: float) -> None:
    overlap = int(size * overlap_ratio)
    chunks = split_text(text, size, overlap, max_chunks=1_000)
    normalized = normalize(text)
    assert all(0 < len(chunk) <= size for chunk in chunks)
    covered = [False] * len(normalized)
    for chunk in chunks:
        start = normalized.index(chunk)  # each chunk is a piece of the text
        covered[start : start + len(chunk)] = [True] * len(chunk)
    assert all(covered[i] or normalized[i].isspace() for i in range(len(normalized)))


@given(text=PROSE, max_chunks=st.integers(1, 5))
@settings(max_examples=100, deadline=None)
def test_the_chunk_limit_holds(text: str, max_chunks: int) -> None:
    try:
        chunks = split_text(text, 100, 0, max_chunks)
    except TextTooLong:
        return
    assert len(chunks) <= max_chunks
