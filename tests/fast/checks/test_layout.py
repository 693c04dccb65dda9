"""The project's layout: the top-level files, one folder per component file, and exactly the
chosen components (registry of copier.yml), with nothing naming an unchosen one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.fast.checks.common import (
    ANSWERS_FILE,
    MAIN_COMPOSE,
    Defects,
    assert_catches,
    compose_files,
    flip_answer,
    recorded_answers,
    rel,
    text_files,
    write,
)
from tests.support import registry
from tests.support.answers import Answers

TOP_LEVEL = [
    ".copier-answers.yml", ".env", ".env.example", ".gitignore", ".dockerignore", "README.md",
    "pyproject.toml", "Makefile", "docker-compose.yml", "tests", "src", "docker",
]  # fmt: skip
# Strings only one answer value uses (the registry gives the files). Lowercase strings match
# case-insensitively in contents and paths; others (variable names) exactly.
MARKERS: dict[tuple[str, Any], list[str]] = {
    ("database", "postgresql"): ["POSTGRES_PASSWORD", "postgres"],
    ("database", "mongodb"): ["MONGO_PASSWORD", "mongo"],
    ("vector_store", "chroma"): ["CHROMA_URL", "chroma"],
    ("vector_store", "qdrant"): ["QDRANT_", "qdrant"],
    ("vector_store", "faiss"): ["FAISS_DIR", "faiss"],
    ("worker", True): ["REDIS_PASSWORD", "REDIS_URL", "redis"],
    ("ui", "streamlit"): ["streamlit", "API_URL"],
    ("reverse_proxy", "nginx"): ["nginx"],
    ("monitoring", True): ["grafana", "GRAFANA_ADMIN_PASSWORD"],
    ("object_store", "s3"): ["S3_SECRET_ACCESS_KEY", "s3-init", "boto3"],
    ("experiment_tracking", "mlflow"): ["mlflow"],
    **{("python_version", v): [f"python:{v}-slim"] for v in registry.options()["python_version"]},
}
# Markers another chosen component legitimately uses: Airflow runs its own PostgreSQL
# (airflow-db) when the project has none.
LENT: dict[tuple[str, Any], tuple[str, Any]] = {
    ("database", "postgresql"): ("orchestrator", "airflow"),
}


def check_top_level_layout(project: Path, answers: Answers) -> list[str]:
    return [f"{name} missing" for name in TOP_LEVEL if not (project / name).exists()]


def check_component_layout(project: Path, answers: Answers) -> list[str]:
    """docker-compose-<c>.yml <-> docker/<c>/ with a README.md; src/<c> built by docker/<c>/."""
    problems = []
    files_of = {
        p.name.removeprefix("docker-compose-").removesuffix(".yml") for p in compose_files(project)
    }
    folders = {p.name for p in (project / "docker").glob("*") if p.is_dir()}
    for name in sorted((files_of - {MAIN_COMPOSE.removesuffix(".yml")}) | folders):
        if name not in folders:
            problems.append(f"docker-compose-{name}.yml has no docker/{name}/ folder")
        elif not (project / "docker" / name / "README.md").is_file():
            problems.append(f"docker/{name}/README.md missing")
        if name not in files_of:
            problems.append(f"docker/{name}/ has no docker-compose-{name}.yml")
    for src in sorted(p for p in (project / "src").glob("*") if p.is_dir()):
        built = (project / "docker" / src.name / "Dockerfile").is_file()
        if src.name in files_of and not built:
            problems.append(
                f"src/{src.name} is a service but docker/{src.name}/Dockerfile is missing"
            )
    return problems


def _occurs(marker: str, haystack: str) -> bool:
    return marker.lower() in haystack.lower() if marker.islower() else marker in haystack


def _lent(answers: Answers, choice: tuple[str, Any]) -> bool:
    """The choice is not made, but another component uses its markers."""
    if choice not in LENT or answers[choice[0]] == choice[1]:
        return False
    borrower, borrowed_when = LENT[choice]
    return answers.get(borrower) == borrowed_when


def _expected(answers: Answers) -> list[tuple[str, bool, list[str], list[str], list[str]]]:
    """(what, chosen, paths it owns, paths it must have, strings only it uses): components and
    owned paths from the registry, strings from MARKERS."""
    found = []
    for name, entry in registry.stack(answers).items():
        compose = f"docker-compose-{name}.yml"
        owned = registry.component_paths(name, entry)
        found.append((name, entry["chosen"], owned, [compose, f"docker/{name}/"], [compose]))
    found += [(path, owned, [path], [path], []) for path, owned in registry.owners(answers).items()]
    found += [
        (f"{question}={value}", answers[question] == value, [], [], strings)
        for (question, value), strings in MARKERS.items()
        if not _lent(answers, (question, value))
    ]
    return found


def check_components(project: Path, answers: Answers) -> list[str]:
    """Chosen components are there; nothing names an unchosen one (file, path or string)."""
    full = registry.resolve(recorded_answers(project))
    corpus = [
        (rel(project, p), rel(project, p) + "\n" + text)
        for p, text in text_files(project)
        if p.name != ANSWERS_FILE
    ]
    problems = []
    for name, chosen, owned, required, strings in _expected(full):
        if chosen:
            problems += [
                f"{name} chosen but {p.rstrip('/')} missing"
                for p in required
                if not (project / p).exists()
            ]
            problems += [
                f"{name} chosen but {s!r} appears nowhere"
                for s in strings
                if not any(_occurs(s, text) for _, text in corpus)
            ]
        else:
            problems += [
                f"{name} not chosen but {p.rstrip('/')} exists"
                for p in owned
                if (project / p).exists()
            ]
            problems += [
                f"{name} not chosen but {where} mentions {s!r}"
                for s in strings
                for where, text in corpus
                if _occurs(s, text)
            ]
    return problems


def unwanted_worker(project: Path) -> None:
    flip_answer(project, "worker", False)
    write(project, "src/worker/__init__.py", "")


DEFECTS: Defects = {
    check_top_level_layout: (lambda p: (p / "Makefile").unlink(), "Makefile missing"),
    check_component_layout: (
        lambda p: write(p, "docker/extra/Dockerfile", "FROM x:1\n"),
        "docker/extra/README.md missing",
    ),
    check_components: (unwanted_worker, "worker not chosen but src/worker exists"),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)
