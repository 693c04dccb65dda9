"""mkdocs hook: `<!-- services -->` becomes the reference of every generated service.

The template is rendered with real Copier for a few answer sets that together choose every
component and backend; each component file's services are then listed as written (image or
build, published ports, volumes, networks, healthcheck, dependencies), so the page always says
what the template generates today.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from copier import run_copy

REPO = Path(__file__).resolve().parent.parent.parent
MARKER = "<!-- services -->"
# Together these choose every component and every backend that has a service.
ANSWER_SETS: list[dict[str, Any]] = [
    {
        "database": "postgresql",
        "worker": True,
        "ui": "streamlit",
        "reverse_proxy": "nginx",
        "monitoring": True,
    },
    {"database": "mongodb", "vector_store": "qdrant", "worker": True, "monitoring": True},
    {"vector_store": "chroma", "object_store": "s3", "experiment_tracking": "mlflow"},
]


def render_all(workdir: Path) -> list[tuple[dict[str, Any], Path]]:
    template = workdir / "template"
    template.mkdir()
    shutil.copy(REPO / "copier.yml", template)
    shutil.copytree(REPO / "includes", template / "includes")  # macros the template imports
    shutil.copytree(
        REPO / "template",
        template / "template",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    projects = []
    for index, answers in enumerate(ANSWER_SETS):
        dest = workdir / f"project{index}"
        run_copy(str(template), dest, data=answers, defaults=True, quiet=True, unsafe=False)
        projects.append((answers, dest))
    return projects


def cell(values: Any) -> str:
    if not values:
        return "-"
    if isinstance(values, dict):
        values = list(values)
    if isinstance(values, list):
        return "<br>".join(f"`{cell_text(v)}`" for v in values)
    return f"`{cell_text(values)}`"


def cell_text(value: Any) -> str:
    if isinstance(value, dict):  # long-syntax port or volume
        value = ":".join(str(v) for v in value.values())
    return str(value).replace("|", "\\|")


def healthcheck(service: dict[str, Any]) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    if not test:
        return "-"
    words = test[1:] if isinstance(test, list) and test[0] in ("CMD", "CMD-SHELL") else test
    text = " ".join(words) if isinstance(words, list) else str(words)
    return f"`{cell_text(text)}`"


def image(service: dict[str, Any]) -> str:
    if "build" in service:
        build = service["build"]
        dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else build
        return f"built: `{dockerfile}`"
    return cell(service.get("image"))


def table(services: dict[str, Any]) -> str:
    rows = [
        "| service | image | published | volumes | networks | healthcheck | waits for |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, service in services.items():
        profiles = service.get("profiles")
        shown = f"`{name}`" + (f" (profile {', '.join(profiles)})" if profiles else "")
        rows.append(
            f"| {shown} | {image(service)} | {cell(service.get('ports'))} "
            f"| {cell(service.get('volumes'))} | {cell(service.get('networks'))} "
            f"| {healthcheck(service)} | {cell(service.get('depends_on'))} |"
        )
    return "\n".join(rows)


def services_markdown() -> str:
    """One table per component file; a file that differs between backends gets one per backend."""
    bodies: dict[str, dict[str, str]] = {}  # file name -> table -> label of the answers
    with tempfile.TemporaryDirectory() as workdir:
        for answers, project in render_all(Path(workdir)):
            database = answers.get("database", "none")
            store = answers.get("vector_store", "pgvector" if database == "postgresql" else "faiss")
            label = f"database={database}, vector_store={store}"
            for compose in sorted(project.glob("docker-compose-*.yml")):
                services = (yaml.safe_load(compose.read_text()) or {}).get("services") or {}
                bodies.setdefault(compose.name, {}).setdefault(table(services), label)
    sections = []
    for name, variants in bodies.items():
        for body, label in variants.items():
            title = f"`{name}`" + (f" ({label})" if len(variants) > 1 else "")
            sections.append(f"## {title}\n\n{body}")
    return "\n\n".join(sections)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, services_markdown())
    return markdown
