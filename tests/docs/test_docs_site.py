"""The documentation site builds strictly, documents every question of copier.yml, and its
generated tables agree with what Copier really renders."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from docs.hooks import questions as hook
from tests.support import REPO, registry
from tests.support.answers import EVERY_SERVICE, LARGEST, MONGODB_QDRANT
from tests.support.processes import compose

DOCS = REPO / "docs"
QUESTIONS = registry.questions()


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    # from the root, as the README says: the hooks import tests.support
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-f",
        "docs/mkdocs.yml",
        "-d",
        str(out),
    ]
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
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
        "team-components",
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
    for _, value in hook.choices_of(spec):
        expected = str(value).lower() if isinstance(value, bool) else str(value)
        assert f" {expected} " in f" {shown} ", f"{question}: choice {expected} not shown"


@pytest.mark.parametrize(
    "answers",
    [{}, {**LARGEST, "ci": "gitlab"}, {**MONGODB_QDRANT, "ci": "none"}],
    ids=["defaults", "largest", "mongodb-qdrant"],
)
def test_registry_files_are_what_copier_renders(rendered, answers):
    """The 'generates' column comes from registry.generated_files: it must list exactly the
    files real Copier writes."""
    project = rendered(answers)
    real = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    assert registry.generated_files(answers) == real


def test_image_table_lists_every_image_variable(site, rendered):
    project = rendered(LARGEST)
    page = text_of((site / "private-registry" / "index.html").read_text())
    for path in project.glob("docker-compose-*.yml"):
        for variable in re.findall(r"\$\{([A-Z0-9_]+_IMAGE):-", path.read_text()):
            assert variable in page, f"{variable} ({path.name}) missing"


def test_make_targets_in_docs_exist(rendered):
    """`make <target>` named anywhere in the docs is a target of a generated Makefile."""
    makefiles = [
        (rendered(answers) / "Makefile").read_text()
        for answers in [
            {"database": "postgresql", "monitoring": True, "kubernetes": True},
            {"database": "mongodb", "object_store": "s3", "batch_processing": "spark"},
        ]
    ]
    targets = {
        t for text in makefiles for t in re.findall(r"^([a-z][a-z0-9-]*):", text, re.MULTILINE)
    }
    named = {
        (page.name, target)
        for page in [*DOCS.glob("*.md"), *DOCS.glob("pages/*.md")]
        for target in re.findall(r"`make ([a-z][a-z0-9-]*)", page.read_text())
    }
    assert {(page, t) for page, t in named if t not in targets} == set()


def test_services_page_lists_every_generated_service(site, rendered):
    page = text_of((site / "services" / "index.html").read_text())
    for answers in EVERY_SERVICE:
        project = rendered(answers)
        for path in project.glob("docker-compose-*.yml"):
            for service in (yaml.safe_load(path.read_text()) or {}).get("services") or {}:
                assert f" {service} " in page, f"{service} ({path.name}, {answers})"


def test_missing_secret_message_is_what_compose_prints(rendered, tmp_path):
    """The troubleshooting page quotes `make up`'s message, and `make env` fixes it as it says."""
    page = (DOCS / "pages" / "troubleshooting.md").read_text()
    quoted = re.search(r"## A secret is missing\n\n```\n(.*?)\n```", page, re.DOTALL).group(1)
    project = tmp_path / "project"
    shutil.copytree(rendered({"database": "postgresql"}), project)
    (project / ".secrets" / "postgres_password").unlink()
    make_secrets = ["make", "--no-print-directory", "secrets"]
    before = subprocess.run(make_secrets, cwd=project, capture_output=True, text=True, check=False)
    assert before.returncode != 0 and quoted in before.stderr, before.stderr
    subprocess.run(["make", "env"], cwd=project, check=True, capture_output=True)
    after = subprocess.run(make_secrets, cwd=project, capture_output=True, text=True, check=False)
    assert after.returncode == 0, after.stderr
    assert compose(project, "config", "-q").returncode == 0
