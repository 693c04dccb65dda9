"""The Streamlit page, run headless by Streamlit's own test runner (AppTest)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.client import ApiClient
from ui.text import escape

APP = Path(__file__).resolve().parents[2] / "src" / "ui" / "app.py"
TIDES = b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.\n"
# A document that tries to make the page fetch an address and show a link.
HOSTILE = "![x](http://attacker.test/pixel) [Sign in](http://attacker.test/login) spring tides"


def page(api_url: str, monkeypatch: pytest.MonkeyPatch, api_key: str = "") -> AppTest:
    monkeypatch.setenv("API_URL", api_url)
    monkeypatch.setenv("API_KEY", api_key)
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def test_asking_shows_the_answer_and_its_sources(
    api_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ApiClient(api_url, api_key=api_key).upload("tides.md", TIDES)
    app = page(api_url, monkeypatch, api_key)
    assert "1 documents" in [caption.value for caption in app.sidebar.caption]
    app.text_input(key="question").input("When are spring tides?")
    app.button(key="ask").click().run()
    assert not app.exception, app.exception
    assert "new and full moon" in " ".join(text.value for text in app.main.text)
    assert app.expander[0].label.startswith(f"[1] {escape('tides.md')} · chunk 0")


def test_searching_lists_the_chunks(
    api_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ApiClient(api_url, api_key=api_key).upload("tides.md", TIDES)
    app = page(api_url, monkeypatch, api_key)
    app.text_input(key="query").input("spring tides")
    app.button(key="search").click().run()
    assert app.expander[0].label.startswith(f"[1] {escape('tides.md')}")


def test_untrusted_text_is_never_read_as_markdown(
    api_url: str, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "![x](http:attacker.test) [Sign in](http:attacker.test).md"
    ApiClient(api_url, api_key=api_key).upload(name, HOSTILE.encode())
    app = page(api_url, monkeypatch, api_key)
    app.text_input(key="question").input("spring tides")
    app.button(key="ask").click().run()
    assert not app.exception, app.exception
    # Shown literally: in text elements, or escaped where Streamlit reads Markdown.
    texts = [element.value for element in app.text]
    assert any(HOSTILE in text for text in texts)
    assert any(name in text for text in app.sidebar.text.values)
    labels = [expander.label for expander in app.expander]
    markdown = [element.value for element in app.markdown] + labels
    assert all("](" not in value and "![" not in value for value in markdown), markdown


def test_without_its_key_the_page_explains_the_refusal(
    api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = page(api_url, monkeypatch, "a-wrong-key")
    assert "(401)" in app.error[0].value


def test_the_page_says_when_the_api_is_down(
    closed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = page(closed_url, monkeypatch)
    [error] = app.error
    assert f"The API at {closed_url} cannot be reached" in error.value
    assert "make up" in error.value
