"""NAME_FILE and NAME_PASSWORD_FILE (core/secret_files.py): how Compose and Kubernetes give
passwords to the application as files."""

from pathlib import Path

import pytest

from core.openai_client import OpenAISettings
from core.settings import EnvSettings, SettingsError


class Demo(EnvSettings):
    token: str = "default"
    store_url: str | None = None


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret"
    path.write_text("from-the-file\n")
    return path


def test_the_file_gives_the_value_without_its_line_break(
    secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    assert Demo.read().token == "from-the-file"


def test_the_file_wins_over_env_file(secret: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path(".env").write_text("TOKEN=from-dot-env\n")
    assert Demo.read().token == "from-dot-env"
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    assert Demo.read().token == "from-the-file"


def test_an_empty_file_of_an_optional_key_is_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provider's key (.secrets/openai_api_key): empty until the developer writes it."""
    key = tmp_path / "openai_api_key"
    key.write_text("")
    monkeypatch.setenv("OPENAI_API_KEY_FILE", str(key))
    assert OpenAISettings.read().openai_api_key is None
    Path(".env").write_text("OPENAI_API_KEY=from-dot-env\n")  # then .env's, natively
    assert OpenAISettings.read().openai_api_key.get_secret_value() == "from-dot-env"
    key.write_text("sk-written\n")
    assert OpenAISettings.read().openai_api_key.get_secret_value() == "sk-written"


def test_an_empty_file_of_a_setting_with_a_value_is_its_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only an optional key may be empty: a password's empty file is not its default."""
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("TOKEN_FILE", str(empty))
    assert Demo.read().token == ""


def test_a_setting_given_twice_is_refused(secret: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOKEN", "from-the-environment")
    monkeypatch.setenv("TOKEN_FILE", str(secret))
    with pytest.raises(SettingsError, match="TOKEN and TOKEN_FILE are both set: keep one"):
        Demo.read()


@pytest.mark.parametrize("variable", ["TOKEN_FILE", "STORE_URL_PASSWORD_FILE"])
def test_an_unreadable_file_is_refused_by_name(
    variable: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORE_URL", "http://store:8000/")
    monkeypatch.setenv(variable, str(tmp_path / "missing"))
    with pytest.raises(SettingsError) as error:
        Demo.read()
    assert str(error.value) == (
        f"invalid settings: {variable}={tmp_path / 'missing'} cannot be read: "
        "No such file or directory"
    )


def test_the_password_file_completes_the_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = tmp_path / "password"
    password.write_text("p@ss:w/rd")
    monkeypatch.setenv("STORE_URL_PASSWORD_FILE", str(password))
    monkeypatch.setenv("STORE_URL", "scheme://app@host:5432/app")
    assert Demo.read().store_url == "scheme://app:p%40ss%3Aw%2Frd@host:5432/app"
    monkeypatch.setenv("STORE_URL", "http://host:8000/")
    assert Demo.read().store_url == "http://:p%40ss%3Aw%2Frd@host:8000/"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://:other@host:8000/", "STORE_URL has a password and STORE_URL_PASSWORD_FILE"),
        (None, "STORE_URL_PASSWORD_FILE is set but STORE_URL is not"),
    ],
)
def test_a_url_the_password_cannot_complete_is_refused(
    url: str | None, message: str, secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if url:
        monkeypatch.setenv("STORE_URL", url)
    monkeypatch.setenv("STORE_URL_PASSWORD_FILE", str(secret))
    with pytest.raises(SettingsError, match=message):
        Demo.read()


def test_without_files_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORE_URL", "http://:in-the-url@host:8000/")
    assert Demo.read() == Demo(token="default", store_url="http://:in-the-url@host:8000/")
