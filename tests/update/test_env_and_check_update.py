"""Secrets survive updates; `make env` brings a new component's secrets and moves an older
project's passwords from .env to .secrets/; `make check-update`."""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path

from tests.support.rendering import extract
from tests.support.stacks import project_secrets
from tests.update.updating import TemplateClone, commit_all, generate, git, run, update
from tests.update.updating import variables as env_variables

BIN = Path(sys.executable).parent
COPIER = BIN / "copier"  # the pinned dev copier: no download in tests
# main before issue 16's passwords as files: its .env held every password.
BEFORE_SECRET_FILES = "13c6fdc"
OLD_RELEASE = {"database": "postgresql", "worker": True, "ui": "streamlit", "object_store": "s3"}
MOUNTED = re.compile(r"^\s*file: \./(\.secrets/[a-z0-9_]+)$", re.MULTILINE)


def make(project: Path, target: str):
    return run(project, "make", "--no-print-directory", target, f"COPIER={COPIER}")


def mounted(project: Path) -> set[str]:
    """The .secrets/ files the Compose files mount."""
    return {p for f in project.glob("docker-compose*.yml") for p in MOUNTED.findall(f.read_text())}


def test_secrets_are_never_rolled_again(template_clone, tmp_path):
    tag = template_clone.release("v1.0.0")
    template_clone.release("v1.1.0")
    project = generate(template_clone, tmp_path / "project", tag, database="postgresql")
    env, secrets = (project / ".env").read_bytes(), project_secrets(project)
    other = project_secrets(
        generate(template_clone, tmp_path / "other", tag, database="postgresql")
    )
    assert "postgres_password" in secrets, ".secrets/ holds no generated password to check"
    assert all(other[name] != value for name, value in secrets.items())

    update(project)
    commit_all(project, "update to v1.1.0")
    update(project, monitoring=True)

    assert (project / ".env").read_bytes() == env
    assert project_secrets(project) == secrets, "an update wrote .secrets/"


def test_make_env_adds_the_secrets_of_a_component_turned_on_later(template_clone, tmp_path):
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag, monitoring=False)
    env = (project / ".env").read_bytes()
    update(project, monitoring=True)

    refused = make(project, "secrets")  # run by `make up` and `make monitoring-up`
    assert refused.returncode != 0 and "Missing: " in refused.stderr
    assert ".secrets/grafana_admin_password" in refused.stderr, refused.stderr

    added = make(project, "env")
    assert added.returncode == 0, added.stderr
    assert "grafana_admin_password" in added.stdout
    synced = (project / ".env").read_bytes()
    # Existing lines stay byte-identical, but API_KEY_HASHES gains Prometheus' key's digest.
    old_lines, new_lines = env.splitlines(), synced.splitlines()
    for old, new in zip(old_lines, new_lines, strict=False):
        grown = old.startswith(b"API_KEY_HASHES=") and new.startswith(old + b",")
        assert new == old or grown, f"{old!r} became {new!r}"
    secrets = project_secrets(project)
    prometheus_digest = hashlib.sha256(secrets["prometheus_api_key"].encode()).hexdigest()
    assert prometheus_digest in env_variables(synced)["API_KEY_HASHES"].split(",")
    password = secrets["grafana_admin_password"]
    assert len(password) >= 24 and password not in (project / ".env.example").read_text()
    assert make(project, "secrets").returncode == 0
    checked = run(project, BIN / "docker-compose", "--profile", "monitoring", "config", "-q")
    assert checked.returncode == 0, checked.stderr

    again = make(project, "env")
    assert again.returncode == 0 and (project / ".env").read_bytes() == synced
    assert project_secrets(project) == secrets


def test_make_env_gives_airflow_turned_on_later_its_keys(template_clone, tmp_path):
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag)
    update(project, orchestrator="airflow")

    added = make(project, "env")
    assert added.returncode == 0, added.stderr
    secrets = project_secrets(project)
    for name in ("airflow_admin_password", "airflow_jwt_secret", "airflow_db_password"):
        assert len(secrets[name]) >= 24, name
    # Airflow refuses any other Fernet key than 32 bytes in base64url.
    assert len(base64.urlsafe_b64decode(secrets["airflow_fernet_key"])) == 32
    assert make(project, "secrets").returncode == 0
    checked = run(project, BIN / "docker-compose", "config", "-q")
    assert checked.returncode == 0, checked.stderr


def test_make_env_creates_env_and_secrets_for_a_fresh_clone(template_clone, tmp_path):
    project = generate(template_clone, tmp_path / "project", template_clone.release("v1.0.0"))
    rendered = set(project_secrets(project))
    # .env and .secrets/ are gitignored: a teammate's clone has neither
    (project / ".env").unlink()
    git(project, "clean", "-q", "-d", "-f", "-X", ".secrets")

    assert make(project, "env").returncode == 0

    created = env_variables((project / ".env").read_bytes())
    assert set(created) == set(env_variables((project / ".env.example").read_bytes()))
    assert (project / ".env").stat().st_mode & 0o077 == 0, ".env must be private to its owner"
    assert set(project_secrets(project)) == rendered
    assert (project / ".secrets").stat().st_mode & 0o077 == 0, ".secrets/ must be private"


def release_before_secret_files(template: TemplateClone) -> None:
    """v1.0.0: the template as main had it before .secrets/; v1.1.0: the working tree."""
    for part in ("copier.yml", "includes", "template"):
        template.remove(part)
    extract(BEFORE_SECRET_FILES, template.path, ("copier.yml", "includes", "template"))
    template.release("v1.0.0")
    template.revert_last()
    template.release("v1.1.0")


def test_an_older_project_keeps_its_passwords_in_secret_files(template_clone, tmp_path):
    release_before_secret_files(template_clone)
    project = generate(template_clone, tmp_path / "project", "v1.0.0", **OLD_RELEASE)
    assert not (project / ".secrets").exists(), "v1.0.0 should predate .secrets/"
    old_env = env_variables((project / ".env").read_bytes())

    update(project)
    commit_all(project, "update to v1.1.0")
    synced = make(project, "env")

    assert synced.returncode == 0, synced.stderr
    secrets = project_secrets(project)
    # The database volume was initialised with the old password: it must be the same one.
    for name in ("postgres_password", "redis_password", "ui_api_key", "s3_access_key_id",
                 "s3_secret_access_key"):  # fmt: skip
        assert secrets[name] == old_env[name.upper()], f".secrets/{name} is not .env's value"
    assert mounted(project) and all((project / path).is_file() for path in mounted(project))
    assert make(project, "secrets").returncode == 0
    checked = run(project, BIN / "docker-compose", "config", "-q")
    assert checked.returncode == 0, checked.stderr


def test_make_check_update_tells_when_a_release_is_out(template_clone, tmp_path):
    project = generate(template_clone, tmp_path / "project", template_clone.release("v1.0.0"))
    assert make(project, "check-update").returncode == 0

    template_clone.release("v1.1.0")
    outdated = make(project, "check-update")
    assert outdated.returncode == 2 and "make update" in outdated.stdout

    update(project)
    commit_all(project, "update to v1.1.0")
    assert make(project, "check-update").returncode == 0
