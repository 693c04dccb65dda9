"""What the static checks share: walking a rendered project, reading its YAML, and planting a
defect in a copy of a clean render to show a check catches it.

Every check is `check(project, answers) -> list of problems` (empty = clean) and iterates over
whatever files the render contains, so files added to the template are covered automatically.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from tests.support import registry
from tests.support.answers import Answers

ANSWERS_FILE = ".copier-answers.yml"
MAIN_COMPOSE = "docker-compose.yml"
Check = Callable[[Path, Answers], list[str]]
# check -> (what plants the defect in a copy of a clean render, text its report must contain)
Defects = dict[Check, tuple[Callable[[Path], object], str]]
# The render the defects are planted in: the components most checks look at.
PLANTED_IN: Answers = {"ui": "streamlit", "worker": True}


def files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(project).parts:
            yield path


def text_files(project: Path) -> Iterator[tuple[Path, str]]:
    for path in files(project):
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def rel(project: Path, path: Path) -> str:
    return str(path.relative_to(project))


def compose_files(project: Path) -> list[Path]:
    """The global file and the component files (docker-compose-<component>.yml)."""
    found = [project / MAIN_COMPOSE] if (project / MAIN_COMPOSE).is_file() else []
    return found + sorted(project.glob("docker-compose-*.yml"))


def dockerfiles(project: Path) -> list[Path]:
    return [
        p for p in files(project) if p.name == "Dockerfile" or "Dockerfile" in p.name.split(".")
    ]


class _AnyTagLoader(yaml.SafeLoader):
    """Safe loader that accepts application tags such as GitLab's !reference."""


_AnyTagLoader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: (
        loader.construct_sequence(node)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node)
        if isinstance(node, yaml.MappingNode)
        else loader.construct_scalar(node)
    ),
)


def load_yaml(path: Path) -> list[Any]:
    return list(yaml.load_all(path.read_text(), Loader=_AnyTagLoader))


def load_answers(project: Path) -> Answers:
    return yaml.safe_load((project / ANSWERS_FILE).read_text())


def recorded_answers(project: Path) -> Answers:
    """The answers the project was generated with (its answers file, questions only)."""
    return {k: v for k, v in load_answers(project).items() if k in registry.questions()}


# ---------------------------------------------------------------- planting defects


def write(project: Path, name: str, text: str) -> None:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def only_include(project: Path, *names: str) -> None:
    """Make docker-compose.yml include exactly these files."""
    write(project, MAIN_COMPOSE, yaml.safe_dump({"name": "t", "include": list(names)}))


def flip_answer(project: Path, name: str, value: object) -> None:
    answers = load_answers(project)
    answers[name] = value
    write(project, ANSWERS_FILE, yaml.safe_dump(answers))


def assert_catches(check: Check, defects: Defects, rendered, tmp_path: Path) -> None:
    """The check reports the defect planted in a copy of a clean render."""
    project = tmp_path / "project"
    shutil.copytree(rendered(PLANTED_IN), project)
    plant, expected = defects[check]
    plant(project)
    report = "\n".join(check(project, PLANTED_IN))
    assert expected in report, f"{check.__name__} missed the defect; it reported:\n{report}"
