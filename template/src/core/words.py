"""Words as the lexical parts (hashing embedder, extractive answerer) see them."""

import re

_WORD = re.compile(r"\w+", re.UNICODE)
# Frequent English words that say nothing about a topic.
STOP_WORDS = frozenset(
    "a about an and are as at be been but by can did do does for from had has have how i if in "  # noqa: SIM905
    "into is it its many much of on or our should so than that the their them then there these "
    "they this to was we were what when where which while who why will with would you your".split()
)


def content_words(text: str) -> list[str]:
    """Lower-case words without stop words; a final plural "s" is dropped (hives -> hive)."""
    words = []
    for word in _WORD.findall(text.lower()):
        if word in STOP_WORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return words


def query_terms(text: str) -> list[str]:
    """What a full-text search looks for: each space-separated part of a query, as a content
    word, or, when written as several words in one (ZX-4471-B), as all of them in order
    ("zx-4471-b"): a phrase, which the parts of other identifiers do not match."""
    terms = []
    for part in text.split():
        words = _WORD.findall(part.lower())
        if len(words) > 1:
            terms.append("-".join(words))
        else:
            terms.extend(content_words(part))
    return terms


def indexed_terms(text: str) -> list[str]:
    """What a text is found by: its content words and its terms of several words."""
    return content_words(text) + [term for term in query_terms(text) if "-" in term]
