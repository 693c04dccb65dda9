"""The documentation site builds strictly, documents every question of copier.yml, and its
generated tables agree with what Copier really renders."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
sys.path.insert(0, str(DOCS / "hooks"))
import questions as hook

QUESTIONS = {
    name: spec
    for name, spec in yaml.safe_load((REPO / "copier.yml").read_text()).items()
    if not name.startswith("_")
}


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    cmd = [str(mkdocs), "build", "--strict", "-f", str(DOCS / "mkdocs.yml"), "-d", str(out)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def section(site: Path, question: str) -> str:
    page = (site / "questions" / "index.html").read_text()
    start = page.index(f'id="{question}"')
    end = page.find("<h2", start)
    return text_of(page[start : end if end > 0 else None])


def test_site_has_every_page(site):
    for page in [
        "getting-started",
        "questions",
        "architecture",
        "adding-a-component",
        "private-registry",
        "services",
        "upgrading",
        "troubleshooting",
        "changelog",
        "releasing",
    ]:
        assert (site / page / "index.html").is_file(), page
    assert 'class="mermaid"' in (site / "architecture" / "index.html").read_text()


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_every_question_is_documented_with_its_choices(site, question):
    spec = QUESTIONS[question]
    shown = " ".join(section(site, question).split())
    assert " ".join(spec["help"].split()) in shown
    for _, value, _ in hook.choices_of(spec):
        expected = str(value).lower() if isinstance(value, bool) else str(value)
        assert f" {expected} " in f" {shown} ", f"{question}: choice {expected} not shown"


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {
            "database": "postgresql",
            "worker": True,
            "reverse_proxy": "nginx",
            "monitoring": True,
            "ci": "gitlab",
        },
        {"database": "mongodb", "vector_store": "qdrant", "ui": "none", "ci": "none"},
    ],
    ids=["defaults", "largest", "mongodb-qdrant"],
)
def test_hook_paths_are_what_copier_renders(rendered, answers):
    """The 'generates' column comes from hook.generated_files: it must list exactly the files
    real Copier writes."""
    project = rendered(answers)
    emulated = set(hook.generated_files(hook.answers_with(hook.load_questions(), answers)))
    real = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    assert emulated == real


def test_image_table_lists_every_image_variable(site, rendered):
    project = rendered(
        {
            "database": "postgresql",
            "worker": True,
            "reverse_proxy": "nginx",
            "monitoring": True,
            "ui": "streamlit",
        }
    )
    page = text_of((site / "private-registry" / "index.html").read_text())
    for compose in project.glob("docker-compose-*.yml"):
        for variable in re.findall(r"\$\{([A-Z0-9_]+_IMAGE):-", compose.read_text()):
            assert variable in page, f"{variable} ({compose.name}) missing"


def test_make_targets_in_docs_exist(rendered):
    """`make <target>` named anywhere in the docs is a target of a generated Makefile."""
    makefiles = [
        (rendered(answers) / "Makefile").read_text()
        for answers in [
            {"database": "postgresql", "monitoring": True},
            {"database": "mongodb", "object_store": "s3"},
        ]
    ]
    targets = {t for text in makefiles for t in re.findall(r"^([a-z][a-z-]*):", text, re.MULTILINE)}
    named = {
        (page.name, target)
        for page in [*DOCS.glob("*.md"), *DOCS.glob("pages/*.md")]
        for target in re.findall(r"`make ([a-z][a-z-]*)", page.read_text())
    }
    assert {(page, t) for page, t in named if t not in targets} == set()


def test_services_page_lists_every_generated_service(site, rendered):
    page = text_of((site / "services" / "index.html").read_text())
    for answers in [
        {"database": "postgresql", "worker": True, "reverse_proxy": "nginx", "monitoring": True},
        {"database": "mongodb", "vector_store": "qdrant"},
        {"vector_store": "chroma"},
    ]:
        project = rendered(answers)
        for compose in project.glob("docker-compose-*.yml"):
            for service in (yaml.safe_load(compose.read_text()) or {}).get("services") or {}:
                assert f" {service} " in page, f"{service} ({compose.name}, {answers})"


def test_missing_secret_message_is_what_compose_prints(rendered, tmp_path):
    """The troubleshooting page quotes Compose's message, and `make env` fixes it as it says."""
    page = (DOCS / "pages" / "troubleshooting.md").read_text()
    quoted = re.search(r"## A secret is missing\n\n```\n(.*?)\n```", page, re.DOTALL).group(1)
    project = tmp_path / "project"
    shutil.copytree(rendered({"database": "postgresql"}), project)
    env = project / ".env"
    env.write_text(
        "".join(
            line
            for line in env.read_text().splitlines(keepends=True)
            if not line.startswith("POSTGRES_PASSWORD=")
        )
    )
    compose = [str(Path(sys.executable).with_name("docker-compose")), "config", "-q"]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    before = subprocess.run(
        compose, cwd=project, env=clean, capture_output=True, text=True, check=False
    )
    assert before.returncode != 0 and quoted in before.stderr
    subprocess.run(["make", "env"], cwd=project, check=True, capture_output=True)
    after = subprocess.run(
        compose, cwd=project, env=clean, capture_output=True, text=True, check=False
    )
    assert after.returncode == 0, after.stderr
