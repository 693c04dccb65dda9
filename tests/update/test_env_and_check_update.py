"""Secrets survive updates; `make env` brings a new component's variables; `make check-update`."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

from tests.update.updating import commit_all, generate, run, update
from tests.update.updating import variables as env_variables

BIN = Path(sys.executable).parent
COPIER = BIN / "copier"  # the pinned dev copier: no download in tests


def make(project: Path, target: str):
    return run(project, "make", "--no-print-directory", target, f"COPIER={COPIER}")


def test_secrets_are_never_rolled_again(template_clone, tmp_path):
    tag = template_clone.release("v1.0.0")
    template_clone.release("v1.1.0")
    project = generate(template_clone, tmp_path / "project", tag, database="postgresql")
    env = (project / ".env").read_bytes()
    other = generate(template_clone, tmp_path / "other", tag, database="postgresql")
    secrets = {k: v for k, v in env_variables(env).items() if k.endswith("_PASSWORD")}
    assert secrets, ".env holds no generated password to check"
    assert all(env_variables((other / ".env").read_bytes())[k] != v for k, v in secrets.items())

    update(project)
    commit_all(project, "update to v1.1.0")
    update(project, monitoring=True)

    assert (project / ".env").read_bytes() == env


def test_make_env_adds_the_secrets_of_a_component_turned_on_later(template_clone, tmp_path):
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag, monitoring=False)
    env = (project / ".env").read_bytes()
    update(project, monitoring=True)
    compose = [BIN / "docker-compose", "--profile", "monitoring", "config", "-q"]

    refused = run(project, *compose)
    # The first of the missing secrets (Prometheus' key, Grafana's password) is named.
    assert refused.returncode != 0 and "must be set in .env (make env)" in refused.stderr

    added = make(project, "env")
    assert added.returncode == 0, added.stderr
    assert "GRAFANA_ADMIN_PASSWORD" in added.stdout
    synced = (project / ".env").read_bytes()
    # Existing lines stay byte-identical, but API_KEY_HASHES gains Prometheus' key's digest.
    old_lines, new_lines = env.splitlines(), synced.splitlines()
    for old, new in zip(old_lines, new_lines, strict=False):
        grown = old.startswith(b"API_KEY_HASHES=") and new.startswith(old + b",")
        assert new == old or grown, f"{old!r} became {new!r}"
    assert b"PROMETHEUS_API_KEY=" in synced
    password = env_variables(synced)["GRAFANA_ADMIN_PASSWORD"]
    assert len(password) >= 24 and password not in (project / ".env.example").read_text()
    checked = run(project, *compose)
    assert checked.returncode == 0, checked.stderr

    again = make(project, "env")
    assert again.returncode == 0 and (project / ".env").read_bytes() == synced


def test_make_env_gives_airflow_turned_on_later_its_keys(template_clone, tmp_path):
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag)
    update(project, orchestrator="airflow")

    added = make(project, "env")
    assert added.returncode == 0, added.stderr
    synced = env_variables((project / ".env").read_bytes())
    for name in ("AIRFLOW_ADMIN_PASSWORD", "AIRFLOW_JWT_SECRET", "AIRFLOW_DB_PASSWORD"):
        assert len(synced[name]) >= 24, name
    # Airflow refuses any other Fernet key than 32 bytes in base64url.
    assert len(base64.urlsafe_b64decode(synced["AIRFLOW_FERNET_KEY"])) == 32
    checked = run(project, BIN / "docker-compose", "config", "-q")
    assert checked.returncode == 0, checked.stderr


def test_make_env_creates_env_for_a_fresh_clone(template_clone, tmp_path):
    project = generate(template_clone, tmp_path / "project", template_clone.release("v1.0.0"))
    (project / ".env").unlink()  # .env is gitignored: a teammate's clone has none

    assert make(project, "env").returncode == 0

    created = env_variables((project / ".env").read_bytes())
    assert set(created) == set(env_variables((project / ".env.example").read_bytes()))
    assert (project / ".env").stat().st_mode & 0o077 == 0, ".env must be private to its owner"


def test_make_check_update_tells_when_a_release_is_out(template_clone, tmp_path):
    project = generate(template_clone, tmp_path / "project", template_clone.release("v1.0.0"))
    assert make(project, "check-update").returncode == 0

    template_clone.release("v1.1.0")
    outdated = make(project, "check-update")
    assert outdated.returncode == 2 and "make update" in outdated.stdout

    update(project)
    commit_all(project, "update to v1.1.0")
    assert make(project, "check-update").returncode == 0
