"""The generated READMEs: one per chosen component, a quick start naming only what was chosen,
and every command they show works (for real where no Docker is needed, else checked statically)."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
from shell_blocks import COMPOSE, commands, compose_flags, make_kind, run

ANSWER_SETS: list[dict[str, Any]] = [
    {},
    {
        "database": "postgresql",
        "worker": True,
        "reverse_proxy": "nginx",
        "monitoring": True,
        "ci": "gitlab",
    },
    {"database": "mongodb", "vector_store": "qdrant", "ui": "none", "ci": "none"},
    {"vector_store": "chroma", "worker": True, "reverse_proxy": "nginx", "ui": "none"},
]
DEFAULTS = {
    "database": "none",
    "ui": "streamlit",
    "worker": False,
    "reverse_proxy": "none",
    "monitoring": False,
    "ci": "github",
}


def full(answers: dict[str, Any]) -> dict[str, Any]:
    result = {**DEFAULTS, **answers}
    result.setdefault("vector_store", "pgvector" if result["database"] == "postgresql" else "faiss")
    return result


# Component folder -> chosen when (the table of docs/architecture.md).
COMPONENTS = {
    "api": lambda a: True,
    "db": lambda a: a["database"] != "none",
    "vectordb": lambda a: a["vector_store"] in ("chroma", "qdrant"),
    "redis": lambda a: a["worker"],
    "worker": lambda a: a["worker"],
    "ui": lambda a: a["ui"] == "streamlit",
    "proxy": lambda a: a["reverse_proxy"] == "nginx",
    "monitoring": lambda a: a["monitoring"],
}

# Words the project README may use only when the option is chosen (case-insensitive).
MARKERS = {
    "ui=streamlit": (lambda a: a["ui"] == "streamlit", ["streamlit", "8501", "src/ui"]),
    "worker": (lambda a: a["worker"], ["worker", "redis", "/jobs"]),
    "nginx": (lambda a: a["reverse_proxy"] == "nginx", ["nginx", "proxy"]),
    "monitoring": (lambda a: a["monitoring"], ["grafana", "prometheus", "monitoring"]),
    "postgresql": (lambda a: a["database"] == "postgresql", ["postgresql", "psql", "migrat"]),
    "mongodb": (lambda a: a["database"] == "mongodb", ["mongodb", "mongosh"]),
    "db": (lambda a: a["database"] != "none", ["docker/db", "db-shell"]),
    "pgvector": (lambda a: a["vector_store"] == "pgvector", ["pgvector"]),
    "chroma": (lambda a: a["vector_store"] == "chroma", ["chroma"]),
    "qdrant": (lambda a: a["vector_store"] == "qdrant", ["qdrant"]),
    "faiss": (lambda a: a["vector_store"] == "faiss", ["faiss"]),
    "github": (lambda a: a["ci"] == "github", ["github"]),
    "gitlab": (lambda a: a["ci"] == "gitlab", ["gitlab"]),
}

params = pytest.mark.parametrize(
    "answers", ANSWER_SETS, ids=lambda a: "-".join(f"{k}={v}" for k, v in a.items()) or "defaults"
)


def readmes(project: Path) -> list[Path]:
    return [project / "README.md", *sorted(project.glob("docker/*/README.md"))]


@params
def test_component_readme_exactly_when_chosen(rendered, answers):
    project = rendered(answers)
    chosen = {name for name, when in COMPONENTS.items() if when(full(answers))}
    assert {p.parent.name for p in project.glob("docker/*/README.md")} == chosen
    for name in chosen:
        text = (project / "docker" / name / "README.md").read_text()
        assert f"docker compose -f docker-compose-{name}.yml" in text, name
        assert text.startswith(f"# {name}: "), name


@params
def test_project_readme_names_only_chosen_components(rendered, answers):
    text = (rendered(answers) / "README.md").read_text().lower()
    wrong = []
    for option, (chosen, words) in MARKERS.items():
        for word in words:
            if chosen(full(answers)) != (word in text):
                wrong.append(
                    f"{option}: {word!r} {'missing' if chosen(full(answers)) else 'shown'}"
                )
    assert not wrong


@params
def test_readme_links_resolve(rendered, answers):
    project = rendered(answers)
    for readme in readmes(project):
        for target in re.findall(r"\]\(([^)#:]+)\)", readme.read_text()):
            assert (readme.parent / target).exists(), f"{readme.relative_to(project)}: {target}"


def published_ports(project: Path, flags: list[str]) -> set[int]:
    cmd = [COMPOSE, *flags, "--profile", "monitoring", "config", "--format", "json"]
    result = run(cmd, project)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"].values()
    return {int(p["published"]) for s in services for p in s.get("ports", [])}


@params
def test_readme_commands_work(rendered, answers, tmp_path):
    """Every command shown: run for real when it needs neither Docker nor PyPI, else checked
    (`docker compose ... config -q`, `make -n`, URL ports published by the stack)."""
    project = tmp_path / "project"
    shutil.copytree(rendered(answers), project)
    checked: list[str] = []
    for readme in readmes(project):
        flags: list[str] = []
        for line in commands(readme.read_text()):
            words = shlex.split(line)
            where = f"{readme.relative_to(project)}: {line}"
            if words[:2] == ["docker", "compose"]:
                flags = compose_flags(words)
                result = run([COMPOSE, *flags, "config", "-q"], project)
            elif words[0] == "make":
                target = next((w for w in words[1:] if "=" not in w), "help")
                result = run(["make", "-n", *words[1:]], project)
                assert result.returncode == 0, f"{where}\n{result.stdout}{result.stderr}"
                if make_kind(target, result.stdout) == "local":
                    result = run(words, project)
            elif words[0] == "curl":
                url = next(w for w in words if w.startswith("http"))
                port = int(re.match(r"http://127\.0\.0\.1:(\d+)", url).group(1))
                assert port in published_ports(project, flags), where
                checked.append(line)
                continue
            else:
                pytest.fail(f"{where}: no rule to check this command")
            assert result.returncode == 0, f"{where}\n{result.stdout}{result.stderr}"
            checked.append(line)
    assert any(c.startswith("make help") for c in checked)
    assert any(c.startswith("docker compose") for c in checked)


@pytest.mark.slow
def test_readme_development_commands_run(rendered, tmp_path):
    """The commands that install from PyPI (make install, test, lint), for real, on the defaults."""
    project = tmp_path / "project"
    shutil.copytree(rendered({}), project)
    ran = []
    for line in commands((project / "README.md").read_text()):
        words = shlex.split(line)
        if words[0] != "make":
            continue
        dry = run(["make", "-n", *words[1:]], project)
        if make_kind(words[1], dry.stdout) == "pypi":
            result = run(words, project, timeout=900)
            assert result.returncode == 0, f"{line}\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            ran.append(line)
    assert {"make install", "make test", "make lint"} <= set(ran)
