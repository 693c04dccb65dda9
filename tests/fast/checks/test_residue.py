"""What Jinja leaves behind when a template is wrong: unrendered expressions, template file
names, empty files, stray whitespace."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.fast.checks.common import Defects, assert_catches, files, rel, text_files, write
from tests.fast.checks.test_compose import check_compose_structure
from tests.support import REPO, TEMPLATE_PARTS
from tests.support.answers import Answers
from tests.support.registry import options
from tests.support.rendering import render


def _residue_patterns() -> list[re.Pattern[str]]:
    names = "|".join(sorted(options()) + ["project_name", "project_slug", "description"])
    return [
        # {{ project_slug }}, {{ _copier_conf... }}; not GitHub's ${{ }}, Prometheus {{ $labels }}
        re.compile(rf"(?<!\$)\{{\{{-?\s*(?:{names}|author_name|_copier\w*)\b"),
        re.compile(r"\{%-?\s+\w+|\w\s+-?%\}"),  # {% if x %}; not f"{ratio:.1%}"
        re.compile(r"(?<![$\w])\{#\s"),
    ]


def check_no_jinja_residue(project: Path, answers: Answers) -> list[str]:
    problems = []
    for path in files(project):
        name = rel(project, path)
        if path.name.endswith(".jinja") or re.search(r"\{\{|\{%", name):
            problems.append(f"{name}: template file name left in the project")
    patterns = _residue_patterns()
    for path, text in text_files(project):
        for number, line in enumerate(text.splitlines(), 1):
            if any(p.search(line) for p in patterns):
                problems.append(f"{rel(project, path)}:{number}: Jinja residue: {line.strip()}")
    return problems


def check_no_empty_files(project: Path, answers: Answers) -> list[str]:
    allowed = {"__init__.py", "py.typed", ".gitkeep"}
    # The developer's keys of hosted providers: empty (no key) until written.
    keys = {".secrets/openai_api_key", ".secrets/llm_api_key"}
    return [
        f"{rel(project, path)}: empty file"
        for path, text in text_files(project)
        if not text.strip() and path.name not in allowed and rel(project, path) not in keys
    ]


def check_whitespace(project: Path, answers: Answers) -> list[str]:
    """What Jinja blocks leave behind: trailing spaces, runs of blank lines, bad file ends."""
    problems = []
    for path, text in text_files(project):
        name = rel(project, path)
        # The files of .secrets/ hold exactly the value: not every reader drops a line break.
        if not text or name.startswith(".secrets/"):
            continue
        if not text.endswith("\n") or text.endswith("\n\n"):
            problems.append(f"{name}: must end with exactly one newline")
        blank_run = 0
        for number, line in enumerate(text.split("\n"), 1):
            if line != line.rstrip():
                problems.append(f"{name}:{number}: trailing whitespace")
            blank_run = blank_run + 1 if not line.strip() else 0
            if blank_run == 3:
                problems.append(f"{name}:{number}: more than two blank lines in a row")
    return problems


DEFECTS: Defects = {
    check_no_jinja_residue: (
        lambda p: write(p, "README.md", "# {{ project_name }}\n"),
        "README.md:1",
    ),
    check_no_empty_files: (lambda p: write(p, "docs/notes.md", "\n"), "docs/notes.md: empty file"),
    check_whitespace: (lambda p: write(p, "notes.txt", "a \n\n\n\nb\n"), "notes.txt:1: trailing"),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)


def test_broken_template_is_caught(tmp_path):
    """A defect in the template itself (not in a rendered copy) fails the checks of its render."""
    template = tmp_path / "template"
    template.mkdir()
    for part in TEMPLATE_PARTS:
        copy = shutil.copytree if part.endswith("/") else shutil.copy
        copy(REPO / part, template / part)
    # A file without the .jinja suffix is copied verbatim: its expression stays unrendered.
    write(template, "template/NOTES.md", "Project {{ project_slug }}\n")
    [compose] = (template / "template").glob("docker-compose.yml*")  # .jinja or not
    compose.write_text(
        compose.read_text() + "\n  - docker-compose-c1.yml\n  - docker-compose-c2.yml\n"
    )
    for n in (1, 2):
        write(template, f"template/docker-compose-c{n}.yml", "services:\n  twin:\n    image: x:1\n")
    project = render(tmp_path / "project", {}, template, vcs_ref=None)

    assert "NOTES.md:1: Jinja residue" in "\n".join(check_no_jinja_residue(project, {}))
    report = "\n".join(check_compose_structure(project, {}))
    assert "service 'twin' defined in several files" in report, report


@pytest.mark.parametrize(
    ("line", "residue"),
    [
        ("{% if worker %}", True),
        ("x {%- endif %}", True),
        ("{{ project_slug }}", True),
        ("{{ _copier_conf.dst_path }}", True),
        ("{# comment #}", True),
        ("echo ${{ github.sha }}", False),  # GitHub Actions expression
        ("summary: {{ $labels.instance }} is down", False),  # Prometheus alert template
        ('"legendFormat": "{{route}}"', False),  # Grafana legend
        ('f"{ratio:.1%}"', False),
        ("echo ${#items[@]}", False),
    ],
)
def test_residue_patterns(line, residue, tmp_path):
    write(tmp_path, "f.txt", line + "\n")
    assert bool(check_no_jinja_residue(tmp_path, {})) is residue
