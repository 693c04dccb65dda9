"""The DAGs read a secret from the file NAME_FILE names (a Compose secret), else from the
environment."""

import pytest

from pipelines import secret_files


def test_a_secret_comes_from_its_file_first(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "api_key"
    path.write_text("from-file\n")
    monkeypatch.setenv("API_KEY_FILE", str(path))
    monkeypatch.setenv("API_KEY", "from-environment")
    assert secret_files.read("API_KEY") == "from-file"


def test_without_a_file_the_environment_then_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_KEY_FILE", raising=False)
    monkeypatch.setenv("API_KEY", "from-environment")
    assert secret_files.read("API_KEY") == "from-environment"
    monkeypatch.delenv("API_KEY")
    assert secret_files.read("API_KEY", "unset") == "unset"
