"""Untrusted text (file names, document text, answers, API messages) shown as text.

Streamlit reads the strings of most elements as Markdown: a document holding
`![x](http://attacker/)` would make the browser fetch that address, and `[Sign in](...)` would
show a link. Elements that take Markdown get the text escaped; long texts go to st.text.
"""

import re

# Every ASCII punctuation character may be escaped in Markdown; escaped, none of them forms
# an image, a link, emphasis, HTML or one of Streamlit's directives (:red[...], :icon:).
PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def escape(text: str) -> str:
    """text for an element that reads Markdown, shown literally on one line."""
    return PUNCTUATION.sub(r"\\\1", " ".join(text.split()))
