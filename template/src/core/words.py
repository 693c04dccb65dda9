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
