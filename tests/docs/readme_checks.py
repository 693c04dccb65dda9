"""Checks of a generated project's READMEs, each `check(project, answers) -> problems`."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

from tests.docs.shell_blocks import COMPOSE, commands, compose_flags, make_kind
from tests.support import registry
from tests.support.processes import run

# Words the project README may use only when the option is chosen (case-insensitive).
MARKERS = {
    "ui=streamlit": (lambda a: a["ui"] == "streamlit", ["streamlit", "8501", "src/ui"]),
    "worker": (lambda a: a["worker"], ["worker", "redis", "/jobs"]),
    "nginx": (lambda a: a["reverse_proxy"] == "nginx", ["nginx", "proxy"]),
    "monitoring": (lambda a: a["monitoring"], ["grafana", "prometheus", "monitoring"]),
    "postgresql": (
        lambda a: a["database"] == "postgresql",
        ["postgresql", "psql", "make migrate", "alembic"],
    ),
    "mongodb": (lambda a: a["database"] == "mongodb", ["mongodb", "mongosh"]),
    "db": (lambda a: a["database"] != "none", ["docker/db", "db-shell"]),
    "pgvector": (lambda a: a["vector_store"] == "pgvector", ["pgvector"]),
    "chroma": (lambda a: a["vector_store"] == "chroma", ["chroma"]),
    "qdrant": (lambda a: a["vector_store"] == "qdrant", ["qdrant"]),
    "faiss": (lambda a: a["vector_store"] == "faiss", ["faiss"]),
    "github": (lambda a: a["ci"] == "github", ["github"]),
    "gitlab": (lambda a: a["ci"] == "gitlab", ["gitlab"]),
    "s3": (lambda a: a["object_store"] == "s3", ["s3-init", "bucket"]),
    "mlflow": (lambda a: a["experiment_tracking"] == "mlflow", ["mlflow"]),
}


def readmes(project: Path) -> list[Path]:
    return [project / "README.md", *sorted(project.glob("docker/*/README.md"))]


def component_readmes(project: Path, answers: dict[str, Any]) -> list[str]:
    """docker/<c>/README.md exists exactly for the chosen components and says how to run it."""
    chosen = set(registry.chosen(answers))
    present = {p.parent.name for p in project.glob("docker/*/README.md")}
    problems = [f"docker/{c}/README.md missing" for c in sorted(chosen - present)]
    problems += [f"docker/{c}/README.md of an unchosen component" for c in sorted(present - chosen)]
    for name in sorted(chosen & present):
        text = (project / "docker" / name / "README.md").read_text()
        if f"docker compose -f docker-compose-{name}.yml" not in text:
            problems.append(f"docker/{name}/README.md: how to run it alone is missing")
        if not text.startswith(f"# {name}: "):
            problems.append(f"docker/{name}/README.md: title is not '# {name}: ...'")
    return problems


def markers(project: Path, answers: dict[str, Any]) -> list[str]:
    """README.md mentions each option's words exactly when the option is chosen."""
    # Spark's node is named spark-worker whether or not the project has the ingestion worker.
    text = (project / "README.md").read_text().lower().replace("spark-worker", "spark-node")
    problems = []
    for option, (when, words) in MARKERS.items():
        chosen = when(registry.resolve(answers))
        problems += [
            f"README.md: {option}: {word!r} {'missing' if chosen else 'shown'}"
            for word in words
            if chosen != (word in text)
        ]
    return problems


def links(project: Path, answers: dict[str, Any]) -> list[str]:
    return [
        f"{readme.relative_to(project)}: link to {target} is broken"
        for readme in readmes(project)
        for target in re.findall(r"\]\(([^)#:]+)\)", readme.read_text())
        if not (readme.parent / target).exists()
    ]


def defaults_match(project: Path, answers: dict[str, Any]) -> list[str]:
    """Every `${VAR:-default}` a README shows is written the same in a compose file."""
    compose = "".join(p.read_text() for p in project.glob("docker-compose*.yml"))
    return [
        f"{readme.relative_to(project)}: {token} is not in any compose file"
        for readme in readmes(project)
        for token in sorted(set(re.findall(r"\$\{[A-Z0-9_]+:-[^}]*\}", readme.read_text())))
        if token not in compose
    ]


def published_ports(project: Path, flags: list[str]) -> set[int]:
    cmd = [COMPOSE, *flags, "--profile", "monitoring", "config", "--format", "json"]
    result = run(cmd, project)
    if result.returncode:
        return set()
    services = json.loads(result.stdout)["services"].values()
    return {int(p["published"]) for s in services for p in s.get("ports", [])}


def unpublished(project: Path, flags: list[str], text: str, where: str) -> list[str]:
    """Local URLs in `text` whose port the stack does not publish."""
    ports = {int(p) for p in re.findall(r"http://127\.0\.0\.1:(\d+)", text)}
    missing = ports - published_ports(project, flags)
    return [f"{where}: the stack publishes no port {port}" for port in sorted(missing)]


def shown_commands(project: Path, answers: dict[str, Any]) -> list[str]:
    """Every command of every README: run for real when it needs neither Docker nor PyPI, else
    `docker compose ... config -q`, `make -n`, or the URL's port published by the stack.
    Runs commands in `project`: give it a copy."""
    problems = []
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
                kind = make_kind(target, result.stdout)
                if not result.returncode and kind == "docker":
                    problems += unpublished(project, flags, result.stdout, where)
                if not result.returncode and kind == "local":
                    result = run(words, project)
            elif words[0] == "curl":
                problems += unpublished(project, flags, line, where)
                continue
            else:
                problems.append(f"{where}: no rule to check this command")
                continue
            if result.returncode:
                problems.append(
                    f"{where}: exit {result.returncode}\n{result.stdout}{result.stderr}"
                )
    return problems


CHECKS = [component_readmes, markers, links, defaults_match, shown_commands]
