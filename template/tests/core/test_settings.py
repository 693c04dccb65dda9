import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from core.openai_client import OpenAISettings
from core.settings import EmbedderName, Settings, SettingsError, load_settings

SRC = Path(__file__).resolve().parents[2] / "src"


def test_defaults_need_no_server_and_no_key(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    assert settings.embedder is EmbedderName.MINILM  # its model files come with the dependencies
    assert OpenAISettings().openai_api_key is None
    assert settings.chunk_overlap < settings.chunk_size


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CHUNK_SIZE", "many", "CHUNK_SIZE: Input should be a valid integer"),
        ("CHUNK_SIZE", "10", "CHUNK_SIZE: Input should be greater than or equal to 100"),
        ("CHUNK_OVERLAP", "400", "CHUNK_OVERLAP must be smaller than CHUNK_SIZE"),
        ("EMBEDDER", "word2vec", "EMBEDDER: Input should be 'minilm', 'hashing'"),
        ("ANSWERER", "oracle", "ANSWERER: Input should be 'extractive'"),
        ("MAX_UPLOAD_BYTES", "0", "MAX_UPLOAD_BYTES: Input should be greater than 0"),
    ],
)
def test_a_bad_value_is_named(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert message in str(error.value)


def test_a_bad_value_stops_the_program_with_one_line(settings_env: dict[str, str]) -> None:
    env = {**os.environ, **settings_env, "CHUNK_SIZE": "huge", "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-c", "from core.settings import load_settings; load_settings()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "invalid settings: CHUNK_SIZE: Input should be a valid integer, "
        "unable to parse string as an integer"
    ]
