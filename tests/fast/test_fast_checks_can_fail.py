"""Every static check is shown to catch a defect: a clean check proves nothing otherwise."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from copier import run_copy
from static_checks import CHECKS, load_answers

TEMPLATE = Path(__file__).resolve().parents[2]


def write(project: Path, name: str, text: str) -> None:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def only_include(project: Path, *names: str) -> None:
    """Make docker-compose.yml include exactly these files."""
    write(project, "docker-compose.yml", yaml.safe_dump({"name": "t", "include": list(names)}))


def flip_answer(project: Path, key: str, value: object) -> None:
    answers = load_answers(project)
    answers[key] = value
    write(project, ".copier-answers.yml", yaml.safe_dump(answers))


def bad_compose_file(project: Path) -> None:
    write(project, "docker-compose-bad.yml", "services:\n  bad:\n    image: x\n    colour: red\n")
    only_include(project, "docker-compose-bad.yml")


def duplicate_service(project: Path) -> None:
    for n in (1, 2):
        write(project, f"docker-compose-c{n}.yml", "services:\n  twin:\n    image: x:1\n")
    only_include(project, "docker-compose-c1.yml", "docker-compose-c2.yml")


def unwanted_worker(project: Path) -> None:
    flip_answer(project, "worker", False)
    write(project, "src/worker/__init__.py", "")


def privileged_service(project: Path) -> None:
    write(
        project,
        "docker-compose-bad.yml",
        "services:\n  bad:\n    image: x:1\n    privileged: true\n",
    )
    only_include(project, "docker-compose-bad.yml")


def leaked_secret(project: Path) -> None:
    write(project, ".env", "DEMO_PASSWORD=0123456789abcdef0123\n")
    write(project, ".env.example", "DEMO_PASSWORD=\n")
    write(project, "docker-compose-x.yml", "# DEMO_PASSWORD=0123456789abcdef0123\n")


def hard_coded_image(project: Path) -> None:
    write(project, "docker-compose-x.yml", "services:\n  x:\n    image: postgres:18\n")


# check -> (defect injected into a clean copy of a rendered project, text the report must contain)
DEFECTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "no_jinja_residue": (lambda p: write(p, "README.md", "# {{ project_name }}\n"), "README.md:1"),
    "no_empty_files": (lambda p: write(p, "docs/notes.md", "\n"), "docs/notes.md: empty file"),
    "answers_file": (lambda p: flip_answer(p, "ui", "none"), "ui='none', answered 'streamlit'"),
    "data_files_parse": (
        lambda p: write(p, "conf/x.toml", "a = \n"),
        "conf/x.toml: does not parse",
    ),
    "compose_config": (bad_compose_file, "colour"),
    "compose_structure": (duplicate_service, "service 'twin' defined in several files"),
    "components": (unwanted_worker, "worker not chosen but src/worker exists"),
    "compose_conventions": (hard_coded_image, "image 'postgres:18' is not"),
    "base_images_overridable": (
        lambda p: write(p, "docker/x/Dockerfile", "FROM python:3.11-slim\n"),
        "FROM python:3.11-slim is not a build argument",
    ),
    "whitespace": (lambda p: write(p, "notes.txt", "a \n\n\n\nb\n"), "notes.txt:1: trailing"),
    "yamllint": (lambda p: write(p, "conf/x.yml", "a: 1\nb: 2\na: 3\n"), "key-duplicates"),
    "top_level_layout": (lambda p: (p / "Makefile").unlink(missing_ok=True), "Makefile missing"),
    "secrets": (leaked_secret, "contains the value of"),
    "component_layout": (
        lambda p: write(p, "docker/extra/Dockerfile", "FROM x:1\n"),
        "docker/extra/README.md missing",
    ),
    "hadolint": (lambda p: write(p, "docker/x/Dockerfile", "FROM debian\nCMD true\n"), "DL3006"),
    "shellcheck": (lambda p: write(p, "bin/run", "#!/usr/bin/env bash\necho $1\n"), "SC2086"),
    "ruff": (lambda p: write(p, "src/bad.py", "import os\nx=1\n"), "F401"),
    "actionlint": (
        lambda p: write(
            p,
            ".github/workflows/bad.yml",
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: echo ${{ matrix.nope }}\n",
        ),
        'property "nope" is not defined',
    ),
    "compose_lint": (privileged_service, "CL-0002"),
}


def test_every_check_has_a_defect():
    assert set(DEFECTS) == set(CHECKS)


@pytest.fixture(scope="module")
def answers() -> dict:
    return {"ui": "streamlit", "worker": True}


@pytest.mark.parametrize("check", sorted(DEFECTS))
def test_check_catches_defect(check, answers, rendered, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(rendered(answers), project)
    inject, expected = DEFECTS[check]
    inject(project)
    report = "\n".join(CHECKS[check](project, answers))
    assert expected in report, f"{check} missed the defect; it reported:\n{report}"


def test_broken_template_is_caught(tmp_path):
    """A defect in the template itself (not in a rendered copy) fails the checks of its render."""
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE / "template", template / "template")
    shutil.copytree(TEMPLATE / "includes", template / "includes")
    shutil.copy(TEMPLATE / "copier.yml", template / "copier.yml")
    # A file without the .jinja suffix is copied verbatim: its expression stays unrendered.
    write(template, "template/NOTES.md", "Project {{ project_slug }}\n")
    compose = template / "template" / "docker-compose.yml.jinja"
    compose.write_text(
        compose.read_text() + "\n  - docker-compose-c1.yml\n  - docker-compose-c2.yml\n"
    )
    for n in (1, 2):
        write(template, f"template/docker-compose-c{n}.yml", "services:\n  twin:\n    image: x:1\n")
    project = tmp_path / "project"
    run_copy(str(template), project, defaults=True, quiet=True)

    assert "NOTES.md:1: Jinja residue" in "\n".join(CHECKS["no_jinja_residue"](project, {}))
    report = "\n".join(CHECKS["compose_structure"](project, {}))
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
    assert bool(CHECKS["no_jinja_residue"](tmp_path, {})) is residue
