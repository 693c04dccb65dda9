import itertools

import pytest

from core.chunking import normalize, split_text
from core.errors import TextTooLong

MAX_CHUNKS = 1000
SENTENCES = [f"Sentence number {i} talks about topic {i % 7}." for i in range(200)]
TEXT = " ".join(SENTENCES)


def test_chunks_respect_the_size_and_cover_every_sentence() -> None:
    chunks = split_text(TEXT, size=300, overlap=50, max_chunks=MAX_CHUNKS)
    assert len(chunks) > 1
    assert all(len(chunk) <= 300 for chunk in chunks)
    for sentence in SENTENCES:
        assert any(sentence in chunk for chunk in chunks), sentence


def test_consecutive_chunks_overlap() -> None:
    chunks = split_text(TEXT, size=300, overlap=80, max_chunks=MAX_CHUNKS)
    for previous, current in itertools.pairwise(chunks):
        head = current[:20]
        assert head in previous, (previous[-100:], head)


def test_without_overlap_chunks_do_not_repeat_text() -> None:
    chunks = split_text(TEXT, size=300, overlap=0, max_chunks=MAX_CHUNKS)
    assert sum(len(chunk) for chunk in chunks) <= len(TEXT)


def test_cuts_at_sentence_ends_when_possible() -> None:
    chunks = split_text(TEXT, size=300, overlap=0, max_chunks=MAX_CHUNKS)
    assert all(chunk.endswith(".") for chunk in chunks)


def test_a_word_longer_than_the_size_is_cut() -> None:
    chunks = split_text("x" * 1000, size=300, overlap=10, max_chunks=MAX_CHUNKS)
    assert all(len(chunk) <= 300 for chunk in chunks)
    assert "".join(chunks).count("x") >= 1000


def test_short_and_blank_texts() -> None:
    assert split_text("Just one line.", 300, 50, MAX_CHUNKS) == ["Just one line."]
    assert split_text(" \n\t \n", 300, 50, MAX_CHUNKS) == []


def test_normalize_keeps_paragraphs_and_collapses_spaces() -> None:
    assert normalize("a   b\t c\n\n\n\nd \n e") == "a b c\n\nd\ne"


@pytest.mark.parametrize(("size", "overlap"), [(100, 100), (100, 150), (100, -1)])
def test_bad_overlap_is_refused(size: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="overlap"):
        split_text(TEXT, size=size, overlap=overlap, max_chunks=MAX_CHUNKS)


def test_a_text_making_too_many_chunks_is_refused() -> None:
    assert len(split_text(TEXT, size=300, overlap=0, max_chunks=MAX_CHUNKS)) > 3
    with pytest.raises(TextTooLong, match="more than 3 chunks"):
        split_text(TEXT, size=300, overlap=0, max_chunks=3)
