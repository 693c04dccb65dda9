"""A project made from release v1.0.0, edited by its team, updated to v1.1.0.

v1.1.0 is the working tree; v1.0.0 is scripted from it: the header line of .env.example is
missing, .gitignore lacks its last line, there is no .pre-commit-config.yaml, and the API's
published port binds to 0.0.0.0 (v1.1.0 binds to ${BIND_ADDRESS:-127.0.0.1}). The team edits
the same port line, so that one change is a genuine conflict; everything else must merge.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.update.updating import (
    TemplateClone,
    commit_all,
    fresh_tree,
    generate,
    git,
    run,
    snapshot_template,
    tree,
    update,
)

BIN = Path(sys.executable).parent
API_COMPOSE = "docker-compose-api.yml"
ENV_EXAMPLE = ".env.example"
TEAM_ENV = b"\n# Team settings\nSUMMARY_LANGUAGE=en\n"
TEAM_SERVICE = b"\nservices:\n  mailpit:\n    image: axllent/mailpit:v1.27\n"
TEAM_CODE = b'\n\ndef team_banner() -> str:\n    """Added by the team."""\n    return "kept"\n'
TEAM_MODULE = b'"""Domain words of the team."""\n\nGLOSSARY = {"RAG": "retrieval-augmented"}\n'
START, END = b"<<<<<<< before updating", b">>>>>>> after updating"


def script_release_1_0_0(template: TemplateClone) -> dict[str, str]:
    """Turn the snapshot into v1.0.0; return what v1.1.0 brings back (for the assertions)."""
    env_example = template.source(ENV_EXAMPLE)
    header = next(
        line for line in template.read(env_example).splitlines(True) if "Every setting" in line
    )
    template.replace(env_example, header, "")
    ignore_lines = template.read("template/.gitignore").splitlines(keepends=True)
    template.write("template/.gitignore", "".join(ignore_lines[:-1]))
    template.remove("template/.pre-commit-config.yaml")
    api = template.source(API_COMPOSE)
    port_line = next(
        (line for line in template.read(api).splitlines() if "BIND_ADDRESS" in line), None
    )
    assert port_line, f"{api} has no published port with ${{BIND_ADDRESS}}: update this scenario"
    template.replace(api, port_line, port_line.replace("${BIND_ADDRESS:-127.0.0.1}", "0.0.0.0"))
    template.release("v1.0.0")
    template.revert_last("v1.1.0")
    return {"ignore": ignore_lines[-1]}


def team_edits(project: Path) -> None:
    """Typical edits: code in src/, a new env var, a changed port, an extra service."""
    (project / "src/core/glossary.py").write_bytes(TEAM_MODULE)
    with (project / "src/api/main.py").open("ab") as main:
        main.write(TEAM_CODE)
    for env_file in (ENV_EXAMPLE, ".env"):
        with (project / env_file).open("ab") as env:
            env.write(TEAM_ENV)
    api = project / API_COMPOSE
    text = api.read_text()
    port_line = next(line for line in text.splitlines() if "0.0.0.0" in line)
    api.write_text(text.replace(port_line, port_line.replace("8000", "8080", 1)))
    with (project / "docker-compose.yml").open("ab") as compose:
        compose.write(TEAM_SERVICE)
    commit_all(project, "team edits")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, git_identity):
    """Once per module: the project before and after `copier update`, and a fresh v1.1.0."""
    tmp = tmp_path_factory.mktemp("team")
    template = snapshot_template(tmp / "template")
    arrived = script_release_1_0_0(template)
    project = generate(template, tmp / "project", "v1.0.0")
    team_edits(project)
    before = tree(project)
    update(project)  # no ref: the newest release tag, as users run it
    return project, before, tree(project), fresh_tree(template, tmp / "fresh", "v1.1.0"), arrived


@pytest.fixture
def updated(scenario, tmp_path):
    """The scenario, with a private copy of the updated project (tests may change it)."""
    project = shutil.copytree(scenario[0], tmp_path / "project", symlinks=True)
    return project, *scenario[1:]


def test_template_changes_arrive(updated):
    _, before, after, new, arrived = updated
    assert b"_commit: v1.1.0" in after[".copier-answers.yml"]
    assert after[".gitignore"] == new[".gitignore"]
    assert after[".gitignore"].decode().endswith(arrived["ignore"])
    assert after[".pre-commit-config.yaml"] == new[".pre-commit-config.yaml"]
    # a 3-way merge: the template's new first line and the team's new variable, both
    assert after[ENV_EXAMPLE] == new[ENV_EXAMPLE] + TEAM_ENV
    header = new[ENV_EXAMPLE].splitlines(keepends=True)[0]
    assert not before[ENV_EXAMPLE].startswith(header), "v1.0.0 must lack the header line"


def test_team_edits_are_kept(updated):
    _, before, after, _, _ = updated
    assert after[".env"] == before[".env"], ".env (secrets) must be byte-identical"
    for relpath in ("src/core/glossary.py", "src/api/main.py", "docker-compose.yml"):
        assert after[relpath] == before[relpath], f"{relpath} changed"
    assert after["src/api/main.py"].endswith(TEAM_CODE)
    assert after["docker-compose.yml"].endswith(TEAM_SERVICE)


def test_a_genuine_conflict_is_shown_inline_with_both_sides(updated):
    project, _, after, new, _ = updated
    text = after[API_COMPOSE]
    block = re.search(
        rb"^<<<<<<< before updating\n(.*?)^=======\n(.*?)^>>>>>>> after updating\n",
        text,
        re.DOTALL | re.MULTILINE,
    )
    assert block, f"no inline conflict in {API_COMPOSE}"
    ours, theirs = block.group(1), block.group(2)
    assert b"0.0.0.0" in ours and b"8080" in ours, "the team's line is in the conflict"
    assert b"${BIND_ADDRESS:-127.0.0.1}" in theirs and b"8080" not in theirs
    # outside the conflict, the file is exactly the new release's
    assert text.replace(block.group(0), theirs) == new[API_COMPOSE]
    assert API_COMPOSE in git(project, "diff", "--name-only", "--diff-filter=U")


def test_nothing_else_is_lost(updated):
    _, before, after, new, _ = updated
    assert set(before) | set(new) == set(after), "files appeared or vanished"
    edited = {".env", ".env.example", "src/api/main.py", "docker-compose.yml", API_COMPOSE}
    for relpath in set(new) - edited - {"src/core/glossary.py"}:
        assert after[relpath] == new[relpath], f"{relpath} differs from the v1.1.0 release"


def test_hook_refuses_the_conflict_then_the_resolved_project_checks_clean(updated):
    project = updated[0]
    git(project, "add", "-A")
    hook = run(project, BIN / "pre-commit", "run", "--all-files")
    assert hook.returncode != 0 and API_COMPOSE in hook.stdout, hook.stdout

    resolve_keeping_the_team_port(project / API_COMPOSE)
    git(project, "add", "-A")
    hook = run(project, BIN / "pre-commit", "run", "--all-files")
    assert hook.returncode == 0, hook.stdout
    git(project, "commit", "-q", "-m", "update to v1.1.0")
    for command in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        checked = run(project, BIN / command[0], *command[1:])
        assert checked.returncode == 0, checked.stdout + checked.stderr
    compose = [BIN / "docker-compose", "-f", "docker-compose.yml"]
    services = run(project, *compose, "config", "--services")
    assert services.returncode == 0, services.stderr
    assert {"api", "mailpit"} <= set(services.stdout.split())
    published = run(project, *compose, "config", "--format", "json")
    assert (
        '"published": "8080"' in published.stdout and '"host_ip": "127.0.0.1"' in published.stdout
    )


def resolve_keeping_the_team_port(path: Path) -> None:
    """What the team does: take the template's new line and put its own port back."""
    text = path.read_bytes()
    block = re.search(
        rb"^<<<<<<< .*?\n=======\n(.*?)^>>>>>>> .*?\n", text, re.DOTALL | re.MULTILINE
    )
    path.write_bytes(text.replace(block.group(0), block.group(1).replace(b"8000", b"8080", 1)))


@pytest.mark.slow
def test_the_generated_tests_still_pass_after_the_update(updated, tmp_path):
    project = updated[0]
    resolve_keeping_the_team_port(project / API_COMPOSE)
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv"),
    }
    tested = subprocess.run(
        ["make", "test"], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert tested.returncode == 0, tested.stdout[-3000:] + tested.stderr[-3000:]
