"""Team components on `copier update`: adding one adds only its files and its lines in the
registry's lists, removing one removes only its template files, and the team's edits inside
the other components survive both."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.update.updating import commit_all, generate, git, same_except_secrets, tree, update

BEFORE = {"etl": "job", "reports": "service"}
ADDED = {**BEFORE, "thumbs": "consumer"}
AFTER = {"etl": "job", "thumbs": "consumer"}
# The files that list every component (read from the registry), besides the answers file.
LISTS = {
    "docker-compose.yml",
    "pyproject.toml",
    "uv.lock",
    "Makefile",
    "README.md",
    ".github/workflows/ci.yml",
    ".github/dependabot.yml",
}
OWN = ("docker-compose-{}.yml", "docker/{}/", "src/{}/", "tests/{}/")

RUN_BEFORE = '''    """The job's work; returns how many items it handled. Replace it with the real work."""
    return 0
'''
RUN_AFTER = '''    """Extract the day's rows."""
    return len(extract())
'''
EXTRACT = b'"""Where the rows come from."""\n\n\ndef extract() -> list[str]:\n    return []\n'


def team_edits(project: Path) -> None:
    """The etl team's work: its job edited, a module of its own, a note at the root."""
    main = project / "src/etl/__main__.py"
    text = main.read_text()
    assert RUN_BEFORE in text, "src/etl/__main__.py changed: update this scenario"
    main.write_text(
        text.replace(RUN_BEFORE, RUN_AFTER).replace(
            "from core.logging", "from etl.extract import extract\nfrom core.logging"
        )
    )
    (project / "src/etl/extract.py").write_bytes(EXTRACT)
    (project / "NOTES.md").write_bytes(b"# Team notes\n")
    commit_all(project, "team work")


def with_team_edits(fresh_files: dict[str, bytes], edited: dict[str, bytes]) -> dict[str, bytes]:
    kept = ("src/etl/__main__.py", "src/etl/extract.py", "NOTES.md")
    return {**fresh_files, **{relpath: edited[relpath] for relpath in kept}}


def owned_by(relpath: str, name: str) -> bool:
    return any(relpath.startswith(pattern.format(name)) for pattern in OWN)


def changed(project: Path) -> set[str]:
    """Files changed, added or removed by the last update (not committed yet)."""
    git(project, "add", "-A")
    return set(git(project, "diff", "--cached", "--name-only").split())


def test_add_a_component_then_remove_another(template_clone, fresh, tmp_path):
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag, worker=True, components=BEFORE)
    team_edits(project)
    edited = tree(project)

    update(project, components=ADDED)
    touched = changed(project)
    assert {p for p in touched if not owned_by(p, "thumbs")} == LISTS | {".copier-answers.yml"}
    assert {p for p in touched if owned_by(p, "thumbs")} >= {
        "docker-compose-thumbs.yml",
        "docker/thumbs/Dockerfile",
        "src/thumbs/tasks.py",
        "tests/thumbs/test_thumbs.py",
    }
    same_except_secrets(
        tree(project), with_team_edits(fresh(tag, worker=True, components=ADDED), edited)
    )
    commit_all(project, "add thumbs")

    update(project, components=AFTER)
    touched = changed(project)
    removed = {p for p in touched if not (project / p).exists()}
    assert removed == {p for p in edited if owned_by(p, "reports")}
    assert touched - removed == LISTS | {".copier-answers.yml", ".env.example"}
    same_except_secrets(
        tree(project), with_team_edits(fresh(tag, worker=True, components=AFTER), edited)
    )


def test_the_worker_stays_while_a_consumer_needs_it(template_clone, tmp_path):
    """Copier drops a stored answer that no longer validates: without the worker's own check,
    `worker=false` would silently remove every team component, not only the consumers."""
    tag = template_clone.release("v1.0.0")
    team = {"etl": "job", "thumbs": "consumer"}
    project = generate(template_clone, tmp_path / "project", tag, worker=True, components=team)
    before = tree(project)
    with pytest.raises(ValueError, match="The consumers thumbs take jobs from the worker's Redis"):
        update(project, worker=False)
    assert tree(project) == before

    update(project, worker=False, components={"etl": "job"})
    assert (project / "src/etl/__main__.py").is_file()
    assert not (project / "src/thumbs").exists()
    assert not (project / "src/worker").exists()
