"""Secrets: .env and .secrets/ ignored by git and Docker, .env documented by .env.example,
strong, found in no other file, given to the services as files, and different in every
generated project."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.fast.checks.common import Defects, assert_catches, rel, text_files, write
from tests.support.answers import LARGEST, Answers
from tests.support.processes import compose, output

SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$")
# The developer's keys of hosted providers: files of .secrets/ (empty until written), never
# variables of a service.
PROVIDER_KEYS = ("OPENAI_API_KEY", "LLM_API_KEY")


def env_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip("'\"")
    return values


def secret_values(project: Path) -> dict[str, str]:
    """The generated secrets: those of .env by name, and the files of .secrets/ (an empty
    one, a provider's key not written yet, is none)."""
    values = {
        name: value
        for name, value in env_values(project / ".env").items()
        if SECRET_NAME.search(name) and value
    }
    folder = project / ".secrets"
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return values | {f".secrets/{path.name}": text for path in files if (text := path.read_text())}


def check_secrets(project: Path, answers: Answers) -> list[str]:
    env, example = project / ".env", project / ".env.example"
    if not env.is_file() or not example.is_file():
        return [".env or .env.example missing"]
    problems = []
    for ignore_file in (".gitignore", ".dockerignore"):
        path = project / ignore_file
        lines = path.read_text().splitlines() if path.is_file() else []
        entries = {line.strip() for line in lines}
        if not {".env", "/.env", ".env*", "**/.env"} & entries:
            problems.append(f"{ignore_file} does not ignore .env")
        if not {".secrets", ".secrets/", "/.secrets/"} & entries:
            problems.append(f"{ignore_file} does not ignore .secrets/")
    documented = env_values(example)
    problems += [
        f".env sets {name}, which .env.example does not document"
        for name in env_values(env)
        if name not in documented
    ]
    secrets = secret_values(project)
    problems += [
        f"{name} is shorter than 16 characters"
        for name, value in secrets.items()
        if len(value) < 16 and not name.endswith("access_key_id")
    ]
    folder = project / ".secrets"
    for path, text in text_files(project):
        if path != env and folder not in path.parents:
            problems += [
                f"{rel(project, path)} contains the value of {name}"
                for name, value in secrets.items()
                if value in text
            ]
    return problems


def check_secrets_reach_services_as_files(project: Path, answers: Answers) -> list[str]:
    """No service (read-only ones included: they take `file:` secrets) has a secret value of
    .env or .secrets/ in its resolved definition: environment, command or entrypoint, nor a
    provider's key as a variable (set or not: it comes from .env)."""
    secrets = secret_values(project)
    result = compose(project, "--profile", "*", "config", "--format", "json")
    if result.returncode:
        return [f"docker compose config: exit {result.returncode}\n{output(result)}"]
    problems = []
    for name, service in json.loads(result.stdout)["services"].items():
        definition = json.dumps(service)
        problems += [
            f"service {name} gets the value of {variable} in its definition: give it as a "
            "file (secrets:, the image's *_FILE variable)"
            for variable, value in secrets.items()
            if value in definition
        ]
        problems += [
            f"service {name} gets {variable} as a variable: give it as a file ({variable}_FILE)"
            for variable in PROVIDER_KEYS
            if variable in (service.get("environment") or {})
        ]
    return problems


def password_in_app_environment(project: Path) -> None:
    """The API (read-only) told the queue's URL with the password in it, as before."""
    password = (project / ".secrets" / "redis_password").read_text()
    write(project, ".env", f"{(project / '.env').read_text()}REDIS_PASSWORD={password}\n")
    path = project / "docker-compose-api.yml"
    url = "redis://redis:6379/0"
    path.write_text(path.read_text().replace(url, "redis://:${REDIS_PASSWORD}@redis:6379/0", 1))


def provider_key_in_environment(project: Path) -> None:
    """The worker told OPENAI_API_KEY from .env, as before."""
    path = project / "docker-compose-worker.yml"
    setting = "      WORKER_THREADS:\n"
    path.write_text(path.read_text().replace(setting, f"{setting}      OPENAI_API_KEY:\n", 1))


def leaked_secret(project: Path) -> None:
    write(project, ".env", "DEMO_PASSWORD=0123456789abcdef0123\n")
    write(project, ".env.example", "DEMO_PASSWORD=\n")
    write(project, "docker-compose-x.yml", "# DEMO_PASSWORD=0123456789abcdef0123\n")


DEFECTS: Defects = {
    check_secrets: (leaked_secret, "contains the value of"),
    check_secrets_reach_services_as_files: (
        password_in_app_environment,
        "service api gets the value of .secrets/redis_password",
    ),
}
# More defects each check must catch (same shape, one test each).
MORE_DEFECTS: Defects = {
    check_secrets_reach_services_as_files: (
        provider_key_in_environment,
        "service worker gets OPENAI_API_KEY as a variable",
    ),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)


@pytest.mark.parametrize("check", MORE_DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_another_planted_defect(check, rendered, tmp_path):
    assert_catches(check, MORE_DEFECTS, rendered, tmp_path)


def test_two_projects_never_share_a_secret(rendered, render_project):
    """Generated secrets are never a value baked into the template."""
    first = secret_values(rendered(LARGEST))
    second = secret_values(render_project(**LARGEST))
    assert any(name.startswith(".secrets/") for name in first), "no file in .secrets/"
    shared = [name for name, value in first.items() if value == second.get(name)]
    assert not shared, f"same value in two generated projects: {shared}"


def api_keys(project: Path) -> dict[str, str]:
    return {
        name: value
        for name, value in secret_values(project).items()
        if name.upper().endswith("API_KEY")
    }


def test_the_api_knows_only_the_digests_of_its_keys(rendered):
    """API_KEY_HASHES lists the SHA-256 of each key (the developer's in .env, the UI's and
    Prometheus' in .secrets/): the API accepts them and stores none."""
    project = rendered(LARGEST)
    keys = api_keys(project)
    assert set(keys) == {"API_KEY", ".secrets/ui_api_key", ".secrets/prometheus_api_key"}
    digests = env_values(project / ".env")["API_KEY_HASHES"].split(",")
    assert sorted(digests) == sorted(hashlib.sha256(k.encode()).hexdigest() for k in keys.values())


def test_make_leaves_env_and_secrets_readable_by_their_owner_only(rendered, tmp_path):
    """Copier writes .env 0644 and .secrets/ 0755 (it keeps no mode without --trust tasks);
    any make fixes them. The files of .secrets/ stay 0644: containers read them as other
    users through bind mounts, where only the file's own mode counts."""
    project = rendered(LARGEST)
    for name in (".env", "Makefile"):
        shutil.copy(project / name, tmp_path / name)
    shutil.copytree(project / ".secrets", tmp_path / ".secrets")
    assert (tmp_path / ".env").stat().st_mode & 0o077, "Copier now keeps the mode: simplify"
    subprocess.run(["make", "-s", "help"], cwd=tmp_path, check=True, capture_output=True)
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / ".secrets").stat().st_mode) == 0o700


def test_make_up_names_make_env_when_a_secret_file_is_missing(rendered, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(rendered(LARGEST), project)
    (project / ".secrets" / "redis_password").unlink()
    made = subprocess.run(
        ["make", "-s", "secrets"], cwd=project, check=False, capture_output=True, text=True
    )
    assert made.returncode and "Missing: .secrets/redis_password (make env" in made.stderr


def test_make_api_key_prints_a_key_and_stores_its_digest(rendered, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(rendered(LARGEST), project)
    before = env_values(project / ".env")["API_KEY_HASHES"]
    made = subprocess.run(
        ["make", "-s", "api-key"], cwd=project, check=True, capture_output=True, text=True
    )
    key = made.stdout.split()[-1]
    assert len(key) >= 40
    env = (project / ".env").read_text()
    assert key not in env
    digest = hashlib.sha256(key.encode()).hexdigest()
    assert env_values(project / ".env")["API_KEY_HASHES"] == f"{before},{digest}"


def test_make_env_on_a_fresh_clone_makes_keys_the_api_accepts(rendered, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(rendered(LARGEST), project)
    (project / ".env").unlink()
    shutil.rmtree(project / ".secrets")
    subprocess.run(["make", "-s", "env"], cwd=project, check=True, capture_output=True)
    digests = env_values(project / ".env")["API_KEY_HASHES"].split(",")
    keys = api_keys(project)
    assert set(keys) == {"API_KEY", ".secrets/ui_api_key", ".secrets/prometheus_api_key"}
    for name, key in keys.items():
        assert hashlib.sha256(key.encode()).hexdigest() in digests, name
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    assert stat.S_IMODE((project / ".secrets").stat().st_mode) == 0o700
    rendered_names = {path.name for path in (rendered(LARGEST) / ".secrets").iterdir()}
    assert {path.name for path in (project / ".secrets").iterdir()} == rendered_names
    passwords = json.loads((project / ".secrets" / "redis_exporter_passwords").read_text())
    assert passwords == {"redis://redis:6379": (project / ".secrets/redis_password").read_text()}


def test_make_env_moves_an_older_projects_passwords_to_files(rendered, tmp_path):
    """A project made before .secrets/ kept its passwords in .env: make env writes each to its
    file unchanged (the database volume keeps its password), never rewrites an existing file,
    and a second run changes nothing."""
    project = tmp_path / "project"
    shutil.copytree(rendered(LARGEST), project)
    shutil.rmtree(project / ".secrets")
    old = {"POSTGRES_PASSWORD": "old-postgres-0123456789", "UI_API_KEY": "old-ui-key-0123456789"}
    env = (project / ".env").read_text() + "".join(f"{k}={v}\n" for k, v in old.items())
    (project / ".env").write_text(env)
    (project / ".secrets").mkdir()
    (project / ".secrets" / "redis_password").write_text("kept-redis-0123456789")
    subprocess.run(["make", "-s", "env"], cwd=project, check=True, capture_output=True)
    folder = project / ".secrets"
    assert (folder / "postgres_password").read_text() == old["POSTGRES_PASSWORD"]
    assert (folder / "ui_api_key").read_text() == old["UI_API_KEY"]
    assert (folder / "redis_password").read_text() == "kept-redis-0123456789"
    assert stat.S_IMODE((folder / "postgres_password").stat().st_mode) == 0o644
    # The UI's key came from .env: its digest is not added twice; Prometheus' is new.
    digests = env_values(project / ".env")["API_KEY_HASHES"].split(",")
    assert len(digests) == len(set(digests)) == 4
    before = {path.name: path.read_text() for path in folder.iterdir()}
    again = subprocess.run(
        ["make", "-s", "env"], cwd=project, check=True, capture_output=True, text=True
    )
    assert "has every secret" in again.stdout
    assert {path.name: path.read_text() for path in folder.iterdir()} == before


def test_make_env_moves_a_providers_key_of_env_to_its_empty_file(rendered, tmp_path):
    """OPENAI_API_KEY of an older .env fills .secrets/openai_api_key, missing or empty (as
    rendered), never a written one; a fresh clone without it gets an empty file (no key)."""
    project = tmp_path / "project"
    shutil.copytree(rendered(LARGEST), project)
    folder = project / ".secrets"
    assert (folder / "openai_api_key").read_text() == ""
    env = (project / ".env").read_text()
    (project / ".env").write_text(f"{env}OPENAI_API_KEY=sk-from-env\n")
    subprocess.run(["make", "-s", "env"], cwd=project, check=True, capture_output=True)
    assert (folder / "openai_api_key").read_text() == "sk-from-env"
    (folder / "openai_api_key").write_text("sk-written\n")
    subprocess.run(["make", "-s", "env"], cwd=project, check=True, capture_output=True)
    assert (folder / "openai_api_key").read_text() == "sk-written\n"
    (folder / "openai_api_key").unlink()
    subprocess.run(["make", "-s", "env"], cwd=project, check=True, capture_output=True)
    assert (folder / "openai_api_key").read_text() == "sk-from-env"
    (project / ".env").write_text(env)
    (folder / "openai_api_key").unlink()
    subprocess.run(["make", "-s", "env"], cwd=project, check=True, capture_output=True)
    assert (folder / "openai_api_key").read_text() == ""
    assert env_values(project / ".env")["API_KEY_HASHES"].count(",") == 2
