"""The Streamlit page, run headless by Streamlit's own test runner (AppTest)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.client import ApiClient

APP = Path(__file__).resolve().parents[2] / "src" / "ui" / "app.py"
TIDES = b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.\n"


def page(api_url: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("API_URL", api_url)
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    assert not app.exception, app.exception
    return app


def test_asking_shows_the_answer_and_its_sources(
    api_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ApiClient(api_url).upload("tides.md", TIDES)
    app = page(api_url, monkeypatch)
    assert "1 documents" in [caption.value for caption in app.sidebar.caption]
    app.text_input(key="question").input("When are spring tides?")
    app.button(key="ask").click().run()
    assert not app.exception, app.exception
    assert "new and full moon" in " ".join(text.value for text in app.main.markdown)
    assert app.expander[0].label.startswith("[1] tides.md · chunk 0")


def test_searching_lists_the_chunks(api_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ApiClient(api_url).upload("tides.md", TIDES)
    app = page(api_url, monkeypatch)
    app.text_input(key="query").input("spring tides")
    app.button(key="search").click().run()
    assert app.expander[0].label.startswith("[1] tides.md")


def test_the_page_says_when_the_api_is_down(
    closed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = page(closed_url, monkeypatch)
    [error] = app.error
    assert f"The API at {closed_url} cannot be reached" in error.value
    assert "make up" in error.value
