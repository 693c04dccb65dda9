"""Untrusted text is escaped for the elements that read Markdown."""

import pytest

from ui.text import escape


@pytest.mark.parametrize(
    "text",
    [
        "![x](http://attacker.test/pixel)",
        "[Sign in](https://attacker.test/login)",
        "<img src=x onerror=alert(1)>",
        ":red[alarm] **bold** `code` # title",
    ],
)
def test_markdown_syntax_is_escaped(text: str) -> None:
    escaped = escape(text)
    assert escaped.replace("\\", "") == text
    assert all(escaped[i - 1] == "\\" for i, char in enumerate(escaped) if char in "![]()<>:*`#")


def test_one_line() -> None:
    assert escape("a\n\n# b") == "a \\# b"
