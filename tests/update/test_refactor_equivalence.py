"""Issue 10 changed how the template is written, not what it generates: for every answer set of
the fast matrix, the resolved `docker compose config` of the working tree equals the one of the
commit before the change (global file, with and without the monitoring profile, and each
Compose file alone), as do the variables of .env and .env.example.

Both renders get the same secrets (the old .env's; since issue 16 the passwords are files of
.secrets/, named after the old variables), and Compose runs with a clean environment.
Normalised away: the project's path, the order of set-like lists, `x-*` extension fields
(authoring aids such as YAML anchors, no behaviour), network priorities and passwords (in URLs,
variables or *_FILE variables naming their files).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

from tests.fast.matrix import answer_sets
from tests.support.answers import label
from tests.support.rendering import extract
from tests.update.updating import variables

REPO = Path(__file__).resolve().parents[2]
BEFORE = "1718a7a"  # main before issue 10
COMPOSE = Path(sys.executable).with_name("docker-compose")
MONITORING = ("--profile", "monitoring")
# In every project since, not part of the refactor: issue 13's evaluation job (profile jobs);
# issue 16's API keys and trusted hosts (variables, the UI's key, Prometheus' key as a Compose
# secret, the worker's metrics address): ignored as variables and as Compose keys.
# Issue 11: search modes and the semantic embedder (the new default); issue 16: per-document
# limits, free disk space, passwords as Compose secrets (X_FILE), Redis's memory policy.
ADDED_SINCE = {"EVAL_TOP_K", "SEARCH_MODE", "EMBEDDER", "MINILM_THREADS", "MAX_TEXT_CHARS",
               "MAX_CHUNKS", "MIN_FREE_DISK_BYTES", "DATA_DIR", "x-required"}  # fmt: skip
ADDED_SINCE |= {f"{name}{suffix}" for suffix in ("", "_FILE", "__FILE") for name in (
    "POSTGRES_PASSWORD", "MONGO_INITDB_ROOT_PASSWORD", "GF_SECURITY_ADMIN_PASSWORD")}  # fmt: skip
# Issue 16: passwords reach the services as files (X_FILE, URL_PASSWORD_FILE), not as these.
# So do the developer's keys of hosted providers (OPENAI_API_KEY_FILE, LLM_API_KEY_FILE).
AS_FILES = {"REDIS_PASSWORD", "DATA_SOURCE_PASS", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
            "OPENAI_API_KEY", "LLM_API_KEY"}  # fmt: skip
URL_PASSWORD = re.compile(r"//([^:/@]*):[^@/]*@")
# MongoDB's exporter has no file option: a shell builds its URI from the secret, then runs it.
MONGO_EXPORTER = re.compile(
    r'(?:password="\$\$\(cat /run/secrets/\w+\)" \|\| exit\n)?'
    r'export MONGODB_URI="(.*)"\nexec /bin/mongodb_exporter (.*)\n'
)
REDIS_MEMORY = ["--maxmemory", "384mb", "--maxmemory-policy", "noeviction"]
# Issue 16: Redis reads its password from a Compose secret, no longer from its environment.
REDIS_SECRET = ("$$(cat /run/secrets/redis_password)", "$$REDIS_PASSWORD")
SECURITY = {"API_KEY", "UI_API_KEY", "PROMETHEUS_API_KEY", "API_KEY_HASHES", "API_AUTH",
            "ALLOWED_HOSTS", "WORKER_METRICS_HOST", "secrets"}  # fmt: skip
# Lists whose order means something; every other list is compared as a set.
ORDERED = {"command", "entrypoint", "test"}
OLD_QUESTIONS = yaml.safe_load(
    subprocess.run(
        ["git", "show", f"{BEFORE}:copier.yml"], cwd=REPO, capture_output=True, check=True
    ).stdout
)


def offered_before(name: str, value: Any) -> bool:
    """Did the old copier.yml accept this answer? (Unknown questions are dropped, not refused.)"""
    choices = OLD_QUESTIONS[name].get("choices")
    if not choices:
        return True
    values = choices.values() if isinstance(choices, dict) else choices
    return value in [v["value"] if isinstance(v, dict) else v for v in values]


def comparable_sets() -> list[dict[str, Any]]:
    """The fast matrix restricted to what the old commit knows, without duplicates."""
    seen, result = set(), []
    for answers in answer_sets():
        known = {k: v for k, v in answers.items() if k in OLD_QUESTIONS}
        key = tuple(sorted(known.items()))
        if all(offered_before(k, v) for k, v in known.items()) and key not in seen:
            seen.add(key)
            result.append(known)
    return result


@pytest.fixture(scope="session")
def rendered_before(tmp_path_factory: pytest.TempPathFactory):
    """rendered_before(answers) -> project rendered by the old commit (cached per session)."""
    template = tmp_path_factory.mktemp("before")
    extract(BEFORE, template)
    cache: dict[str, Path] = {}

    def get(answers: dict[str, Any]) -> Path:
        key = json.dumps(answers, sort_keys=True)
        if key not in cache:
            dest = tmp_path_factory.mktemp("render-before") / "project"
            run_copy(str(template), dest, data=answers, defaults=True, quiet=True, unsafe=False)
            cache[key] = dest
        return cache[key]

    return get


def resolved(project: Path, *args: str) -> dict[str, Any]:
    """`docker compose <args> config --format json`, path and list order normalised."""
    done = subprocess.run(
        [COMPOSE, *args, "config", "--format", "json"],
        cwd=project,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"docker compose {' '.join(args)} config: {done.stderr}"
    return normalised(json.loads(done.stdout.replace(str(project), "<project>")))


def normalised(value: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        if found := MONGO_EXPORTER.fullmatch((value.get("entrypoint") or ["", "", ""])[-1]):
            uri = re.sub(r":\$\$(\(cat /run/secrets/\w+\)|password)@", "@", found[1])
            value = {k: v for k, v in value.items() if k != "secrets"} | {"entrypoint": None,
                "command": found[2].split(), "environment": {"MONGODB_URI": uri}}  # fmt: skip
        if key == "environment":
            value = {k: v for k, v in value.items() if k not in AS_FILES and k[-5:] != "_FILE"}
        if key == "networks":  # since: backend first on a service with two networks
            value = {k: {a: b for a, b in (v or {}).items() if a != "priority"} or None
                     for k, v in value.items()}  # fmt: skip
        result = {
            k: normalised(v, k)
            for k, v in value.items()
            if not k.startswith("x-") and k not in SECURITY | ADDED_SINCE
        }
        return {k: v for k, v in result.items() if not (k == "environment" and v == {})}
    if isinstance(value, str):
        return URL_PASSWORD.sub(lambda m: f"//{m[1]}@" if m[1] else "//", value).replace(
            *REDIS_SECRET
        )
    if isinstance(value, list):
        if key == "command" and value[-len(REDIS_MEMORY) :] == REDIS_MEMORY:
            value = value[: -len(REDIS_MEMORY)]
        items = [normalised(v) for v in value]
        return items if key in ORDERED else sorted(items, key=json.dumps)
    return value


def views(project: Path, monitoring: bool) -> dict[str, tuple[str, ...]]:
    """Name -> compose arguments: the whole stack, the dev override, each file alone."""
    result = {"whole stack": ("-f", "docker-compose.yml")}
    if monitoring:
        result["whole stack, monitoring"] = (*MONITORING, "-f", "docker-compose.yml")
    if (project / "docker-compose.dev.yml").is_file():
        result["dev override"] = ("-f", "docker-compose.yml", "-f", "docker-compose.dev.yml")
    for path in sorted(project.glob("docker-compose-*.yml")):
        result[path.name] = (*(MONITORING if monitoring else ()), "-f", path.name)
    return result


def differences(before: Path, after: Path, monitoring: bool) -> list[str]:
    """What differs between two projects' resolved Compose models and variables.

    `after` gets `before`'s .env, its passwords as the files of .secrets/ (the names are
    compared first)."""
    problems = []
    old_env, new_env = (
        variables((before / ".env").read_bytes()),
        variables((after / ".env").read_bytes()),
    )
    files = {path.name.upper(): path for path in (after / ".secrets").glob("*")}
    moved = {k: v for k, v in old_env.items() if k in files}
    if sorted(set(old_env) - set(moved)) != sorted(set(new_env) - SECURITY):
        problems.append(f".env variables: {sorted(old_env)} != {sorted(new_env)}")
    for name, value in moved.items():
        files[name].write_text(value)
    added = variables((after / ".env.example").read_bytes())
    diff({k: v for k, v in variables((before / ".env.example").read_bytes()).items()
          if k not in ADDED_SINCE | moved.keys()},
         {k: v for k, v in added.items() if k not in ADDED_SINCE | SECURITY}, ".env.example",
         problems)  # fmt: skip
    keys = [line for line in (after / ".env").read_text().splitlines()
            if line.partition("=")[0] in SECURITY]  # fmt: skip
    (after / ".env").write_text((before / ".env").read_text() + "\n".join(keys) + "\n")
    for name, args in views(before, monitoring).items():
        if not (after / args[-1]).is_file():
            problems.append(f"{args[-1]} is missing")
            continue
        diff(resolved(before, *args), resolved(after, *args), name, problems)
    return problems


def diff(old: Any, new: Any, where: str, problems: list[str]) -> None:
    """Append one line per leaf that differs, with its path."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(old.keys() | new.keys()):
            if key not in new or key not in old:
                side = "after" if key not in new else "before"
                problems.append(f"{where}.{key}: missing {side}")
            else:
                diff(old[key], new[key], f"{where}.{key}", problems)
    elif old != new:
        problems.append(f"{where}: {json.dumps(old)} != {json.dumps(new)}")


def editable(project: Path, dest: Path) -> Path:
    """A private copy of a cached render (compared projects get another .env)."""
    return shutil.copytree(project, dest / "project", symlinks=True)


@pytest.mark.parametrize("answers", comparable_sets(), ids=label)
def test_same_resolved_stack_as_before_the_refactor(answers, rendered, rendered_before, tmp_path):
    after = editable(rendered(answers), tmp_path)
    problems = differences(rendered_before(answers), after, answers.get("monitoring", False))
    assert not problems, "\n".join(problems)


# A set with the worker and monitoring on: every file a planted defect edits exists.
LARGEST = next(a for a in comparable_sets() if a.get("worker") and a.get("monitoring"))
PLANTED = {  # file, text, replacement, what the comparison must name
    "healthcheck": ("docker-compose-api.yml", "interval: 5s", "interval: 6s", "healthcheck"),
    "port": ("docker-compose-monitoring.yml", "-3000}:3000", "-3000}:3001", ".ports"),
    "variable": ("docker-compose-api.yml", "LOG_LEVEL:", "LOG_LEVEL: debug", "LOG_LEVEL"),
    "limit": ("docker-compose-api.yml", "memory: 1G", "memory: 2G", "limits.memory"),
}


@pytest.mark.parametrize("defect", list(PLANTED))
def test_a_planted_change_is_caught(defect, rendered, rendered_before, tmp_path):
    relpath, text, replacement, named = PLANTED[defect]
    after = editable(rendered(LARGEST), tmp_path)
    compose = after / relpath
    assert text in compose.read_text(), f"{relpath} has no {text!r}: update this planted defect"
    compose.write_text(compose.read_text().replace(text, replacement, 1))
    problems = differences(rendered_before(LARGEST), after, monitoring=True)
    assert problems and all(named in p for p in problems), "\n".join(problems)
