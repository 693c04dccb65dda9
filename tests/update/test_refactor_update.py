"""`copier update` across issue 10's refactor, on a project its team has edited.

A throwaway template clone holds two releases: v1.0.0 is the commit before the refactor,
v2.0.0 the working tree. A project generated from v1.0.0 (default answers) gets typical team
edits (code, a test, an environment variable, a port, an extra service), then is updated: every
edit survives, nothing conflicts, and the project's own tests pass.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.project.generated import install
from tests.support.rendering import extract
from tests.update.updating import (
    TemplateClone,
    commit_all,
    generate,
    git,
    run,
    snapshot_template,
    tree,
    update,
)

BEFORE = "1718a7a"  # main before issue 10
BIN = Path(sys.executable).parent
TEAM_MODULE = b'"""Domain words of the team."""\n\nGLOSSARY = {"RAG": "retrieval-augmented"}\n'
TEAM_TEST = (
    b'from core.glossary import GLOSSARY\n\n\ndef test_glossary():\n    assert GLOSSARY["RAG"]\n'
)
TEAM_CODE = b'\n\ndef team_banner() -> str:\n    """Added by the team."""\n    return "kept"\n'
TEAM_ENV = b"\n# Team settings\nSUMMARY_LANGUAGE=en\n"
TEAM_SERVICE = b"\nservices:\n  mailpit:\n    image: axllent/mailpit:v1.27\n"
MARKER = re.compile(rb"^(<<<<<<<|>>>>>>>)( |$)", re.MULTILINE)  # as the project's own hook
OLD_PORT, TEAM_PORT = b"${API_PORT:-8000}:8000", b"${API_PORT:-8080}:8000"


def release_before_and_after(dest: Path) -> TemplateClone:
    """v1.0.0: the template at BEFORE; v2.0.0: the working tree."""
    template = snapshot_template(dest)
    template.remove("copier.yml")
    template.remove("template")
    extract(BEFORE, dest)
    template.release("v1.0.0")
    template.revert_last("v2.0.0")
    return template


def team_edits(project: Path) -> None:
    (project / "src/core/glossary.py").write_bytes(TEAM_MODULE)
    (project / "tests/test_team_glossary.py").write_bytes(TEAM_TEST)
    with (project / "src/api/main.py").open("ab") as main:
        main.write(TEAM_CODE)
    for env_file in (".env.example", ".env"):
        with (project / env_file).open("ab") as env:
            env.write(TEAM_ENV)
    api = project / "docker-compose-api.yml"
    assert OLD_PORT in api.read_bytes(), f"no {OLD_PORT!r} in {api.name}: update this scenario"
    api.write_bytes(api.read_bytes().replace(OLD_PORT, TEAM_PORT))
    with (project / "docker-compose.yml").open("ab") as compose:
        compose.write(TEAM_SERVICE)
    commit_all(project, "team edits")


@pytest.fixture(scope="module")
def updated(tmp_path_factory, git_identity) -> tuple[Path, dict[str, bytes], dict[str, bytes]]:
    """The edited project, its files before the update and after it."""
    tmp = tmp_path_factory.mktemp("refactor")
    project = generate(release_before_and_after(tmp / "template"), tmp / "project", "v1.0.0")
    team_edits(project)
    before = tree(project)
    update(project)  # no ref: the newest release, as users run it
    return project, before, tree(project)


def test_the_update_reaches_the_new_release(updated):
    _, _, after = updated
    assert b"_commit: v2.0.0" in after[".copier-answers.yml"]


def test_no_conflict_is_left(updated):
    project, _, after = updated
    marked = [p for p, text in after.items() if MARKER.search(text)]
    assert not marked, f"conflict markers in {marked}"
    assert not [p for p in after if p.endswith(".rej")]
    assert not git(project, "diff", "--name-only", "--diff-filter=U").strip()


def test_team_edits_are_kept(updated):
    _, before, after = updated
    assert after[".env"] == before[".env"], ".env (secrets) must be byte-identical"
    for relpath in ("src/core/glossary.py", "tests/test_team_glossary.py"):
        assert after[relpath] == before[relpath], f"{relpath} changed"
    assert after["src/api/main.py"].endswith(TEAM_CODE)
    assert TEAM_ENV in after[".env.example"]
    assert TEAM_PORT in after["docker-compose-api.yml"]
    assert after["docker-compose.yml"].endswith(TEAM_SERVICE)


def test_the_updated_stack_still_resolves(updated):
    project = updated[0]
    # `make update` runs `make env` after `copier update`: the new variables get their values.
    assert run(project, sys.executable, "scripts/sync_env.py").returncode == 0
    services = run(
        project, BIN / "docker-compose", "-f", "docker-compose.yml", "config", "--services"
    )
    assert services.returncode == 0, services.stderr
    assert {"api", "ui", "mailpit"} <= set(services.stdout.split())


@pytest.mark.slow
def test_the_projects_own_tests_pass_after_the_update(updated, tmp_path):
    project = install(updated[0], tmp_path / "venv", {})
    result = project.run("python", "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider")
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert "PASSED tests/test_team_glossary.py::test_glossary" in result.stdout
