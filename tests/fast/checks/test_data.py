"""Data files: YAML clean for yamllint, YAML/TOML/JSON parse, the answers file records every
answer (copier update reads it), the database migrations form one chain."""

from __future__ import annotations

import ast
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fast.checks.common import (
    ANSWERS_FILE,
    Defects,
    assert_catches,
    files,
    flip_answer,
    load_answers,
    load_yaml,
    rel,
    write,
)
from tests.support.answers import Answers
from tests.support.processes import output, run, tool
from tests.support.registry import options

YAMLLINT_CONFIG = """
extends: default
rules:
  document-start: disable
  line-length: disable
  truthy: {allowed-values: ["true", "false"], check-keys: false}
  comments: {min-spaces-from-content: 1}
"""


def check_yamllint(project: Path, answers: Answers) -> list[str]:
    """Errors only (duplicate keys, indentation, syntax...): PyYAML silently keeps the last of
    two duplicate keys, compose too."""
    found = [str(p) for p in files(project) if p.suffix in (".yml", ".yaml")]
    if not found:
        return []
    cmd = [tool("yamllint"), "--no-warnings", "-f", "parsable", "-d", YAMLLINT_CONFIG, *found]
    result = run(cmd, cwd=project)
    return [f"yamllint:\n{output(result)}"] if result.returncode else []


def check_data_files_parse(project: Path, answers: Answers) -> list[str]:
    loaders: dict[str, Callable[[Path], Any]] = {
        ".yml": load_yaml,
        ".yaml": load_yaml,
        ".toml": lambda p: tomllib.loads(p.read_text()),
        ".json": lambda p: json.loads(p.read_text()),
    }
    problems = []
    for path in files(project):
        loader = loaders.get(path.suffix)
        if loader is None:
            continue
        try:
            loader(path)
        except Exception as error:  # noqa: BLE001 - any parse error is the finding
            problems.append(f"{rel(project, path)}: does not parse: {error}")
    return problems


def check_answers_file(project: Path, answers: Answers) -> list[str]:
    path = project / ANSWERS_FILE
    if not path.is_file():
        return [f"{ANSWERS_FILE} missing: copier update cannot work"]
    recorded = load_answers(project)
    problems = [
        f"{ANSWERS_FILE}: {name}={recorded.get(name)!r}, answered {value!r}"
        for name, value in answers.items()
        if recorded.get(name) != value
    ]
    problems += [
        f"{ANSWERS_FILE}: {name} not recorded" for name in options() if name not in recorded
    ]
    if "_src_path" not in recorded:
        problems.append(f"{ANSWERS_FILE}: _src_path not recorded")
    return problems


MIGRATIONS = "src/core/migrations/versions"


def check_migrations_chain(project: Path, answers: Answers) -> list[str]:
    """Alembic's revisions, as rendered: each revises one that is there, and one is the head
    (a migration of an unchosen store would break `core.migrate`)."""
    revises = {}
    for path in sorted((project / MIGRATIONS).glob("*.py")):
        names = {
            target.id: node.value.value
            for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        revises[names.get("revision")] = (names.get("down_revision"), rel(project, path))
    problems = [
        f"{path}: revises {parent!r}, which is not rendered"
        for parent, path in revises.values()
        if parent is not None and parent not in revises
    ]
    heads = set(revises) - {parent for parent, _ in revises.values()}
    if len(heads) > 1:
        problems.append(f"{MIGRATIONS}: {len(heads)} heads {sorted(heads)}, Alembic needs one")
    return problems


DEFECTS: Defects = {
    check_yamllint: (lambda p: write(p, "conf/x.yml", "a: 1\nb: 2\na: 3\n"), "key-duplicates"),
    check_data_files_parse: (
        lambda p: write(p, "conf/x.toml", "a = \n"),
        "conf/x.toml: does not parse",
    ),
    check_answers_file: (lambda p: flip_answer(p, "ui", "none"), "ui='none', answered 'streamlit'"),
    check_migrations_chain: (
        lambda p: write(
            p, f"{MIGRATIONS}/0009_x.py", 'revision = "0009"\ndown_revision = "0008"\n'
        ),
        "revises '0008', which is not rendered",
    ),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)
