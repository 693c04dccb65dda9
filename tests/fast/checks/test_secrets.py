"""Secrets: .env ignored by git and Docker, documented by .env.example, strong, found in no
other file, and different in every generated project."""

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


def env_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip("'\"")
    return values


def check_secrets(project: Path, answers: Answers) -> list[str]:
    env, example = project / ".env", project / ".env.example"
    if not env.is_file() or not example.is_file():
        return [".env or .env.example missing"]
    problems = []
    for ignore_file in (".gitignore", ".dockerignore"):
        path = project / ignore_file
        lines = path.read_text().splitlines() if path.is_file() else []
        if not {".env", "/.env", ".env*", "**/.env"} & {line.strip() for line in lines}:
            problems.append(f"{ignore_file} does not ignore .env")
    documented = env_values(example)
    secrets = {}
    for name, value in env_values(env).items():
        if name not in documented:
            problems.append(f".env sets {name}, which .env.example does not document")
        if SECRET_NAME.search(name) and value:
            secrets[name] = value
            if len(value) < 16:
                problems.append(f".env: {name} is shorter than 16 characters")
    for path, text in text_files(project):
        if path != env:
            problems += [
                f"{rel(project, path)} contains the value of {name} from .env"
                for name, value in secrets.items()
                if value in text
            ]
    return problems


# Services that still get secrets of .env in their definition (environment, command), and why
# (SECURITY.md lists them too). Read-only services are not here: Compose gives them `file:`
# secrets only ("cannot create secret in read-only service"), and .env is the source.
STILL_IN_ENVIRONMENT = {
    "spark-submit": "the Spark job reads API_KEY from the environment",
}


def check_secrets_reach_services_as_files(project: Path, answers: Answers) -> list[str]:
    """No service that can take a Compose secret (a writable one) has a secret value of .env
    in its resolved definition: environment, command or entrypoint."""
    secrets = {
        name: value
        for name, value in env_values(project / ".env").items()
        if SECRET_NAME.search(name) and value
    }
    result = compose(project, "--profile", "*", "config", "--format", "json")
    if result.returncode:
        return [f"docker compose config: exit {result.returncode}\n{output(result)}"]
    problems = []
    for name, service in json.loads(result.stdout)["services"].items():
        if service.get("read_only") or name in STILL_IN_ENVIRONMENT:
            continue
        definition = json.dumps(service)
        problems += [
            f"service {name} gets the value of {variable} in its definition: give it as a "
            "file (secrets:, the image's *_FILE variable)"
            for variable, value in secrets.items()
            if value in definition
        ]
    return problems


def redis_password_in_environment(project: Path) -> None:
    path = project / "docker-compose-redis.yml"
    text = path.read_text()
    planted = "    environment:\n      REDIS_PASSWORD: ${REDIS_PASSWORD}\n    secrets:"
    path.write_text(text.replace("    secrets:", planted, 1))


def leaked_secret(project: Path) -> None:
    write(project, ".env", "DEMO_PASSWORD=0123456789abcdef0123\n")
    write(project, ".env.example", "DEMO_PASSWORD=\n")
    write(project, "docker-compose-x.yml", "# DEMO_PASSWORD=0123456789abcdef0123\n")


DEFECTS: Defects = {
    check_secrets: (leaked_secret, "contains the value of"),
    check_secrets_reach_services_as_files: (
        redis_password_in_environment,
        "service redis gets the value of REDIS_PASSWORD",
    ),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)


def test_two_projects_never_share_a_secret(rendered, render_project):
    """Generated secrets are never a value baked into the template."""
    first = env_values(rendered(LARGEST) / ".env")
    second = env_values(render_project(**LARGEST) / ".env")
    secrets = [name for name, value in first.items() if SECRET_NAME.search(name) and value]
    assert secrets, "no generated secret found in .env"
    shared = [name for name in secrets if first[name] == second.get(name)]
    assert not shared, f"same value in two generated projects: {shared}"


def test_the_api_knows_only_the_digests_of_the_keys_in_env(rendered):
    """API_KEY_HASHES lists the SHA-256 of each key of .env (the developer's, the UI's and
    Prometheus'): the API accepts them and stores none."""
    values = env_values(rendered(LARGEST) / ".env")
    keys = {name: value for name, value in values.items() if name.endswith("API_KEY")}
    assert set(keys) == {"API_KEY", "UI_API_KEY", "PROMETHEUS_API_KEY"}
    digests = values["API_KEY_HASHES"].split(",")
    assert digests == [hashlib.sha256(key.encode()).hexdigest() for key in keys.values()]


def test_make_leaves_env_readable_by_its_owner_only(rendered, tmp_path):
    """Copier writes .env 0644 (it keeps no mode without --trust tasks); any make fixes it."""
    project = rendered(LARGEST)
    for name in (".env", "Makefile"):
        shutil.copy(project / name, tmp_path / name)
    assert (tmp_path / ".env").stat().st_mode & 0o077, "Copier now keeps the mode: simplify"
    subprocess.run(["make", "-s", "help"], cwd=tmp_path, check=True, capture_output=True)
    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600


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
    subprocess.run(["make", "-s", "env"], cwd=project, check=True, capture_output=True)
    values = env_values(project / ".env")
    digests = values["API_KEY_HASHES"].split(",")
    for name in ("API_KEY", "UI_API_KEY", "PROMETHEUS_API_KEY"):
        assert hashlib.sha256(values[name].encode()).hexdigest() in digests, name
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
