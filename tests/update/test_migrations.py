"""`_migrations`: a file renamed between releases follows the rename, with the team's edits.

No release has renamed anything yet, so the rename is scripted in the throwaway clone:
v1.0.0 calls the alert rules `alert-rules.yml`, v1.1.0 calls them `alerts.yml` and ships the
migration documented in docs/releasing.md (a `git mv` before the update; a move only, the
content changes in another release).
"""

from __future__ import annotations

import pytest
from copier.errors import UnsafeTemplateError

from tests.update.updating import TemplateClone, commit_all, generate, git, tree, update

NEW, OLD = "docker/monitoring/alerts.yml", "docker/monitoring/alert-rules.yml"
MIGRATION = f"""
_migrations:
  # v1.1.0 renamed {OLD} to {NEW}
  - version: v1.1.0
    when: "{{{{ _stage == 'before' }}}}"
    command: [git, mv, -k, {OLD}, {NEW}]
"""
TEAM_RULE = "# team: page the on-call engineer at night too\n"


def script_rename(template: TemplateClone) -> None:
    """v1.0.0: the old name everywhere in the template; v1.1.0: today's name + the migration."""
    source = template.source(NEW)
    renamed = source.replace("alerts.yml", "alert-rules.yml")
    template.rename(source, renamed)
    # references elsewhere follow the rename; the file itself is only moved
    for path in template.file("template").rglob("*"):
        if path.is_file() and path != template.file(renamed) and b"alerts.yml" in path.read_bytes():
            path.write_text(path.read_text().replace("alerts.yml", "alert-rules.yml"))
    template.release("v1.0.0")
    template.revert_last()
    template.write("copier.yml", template.read("copier.yml") + MIGRATION)
    template.release("v1.1.0")


def test_a_renamed_file_keeps_the_team_edits(template_clone, fresh, tmp_path):
    script_rename(template_clone)
    project = generate(template_clone, tmp_path / "project", "v1.0.0", monitoring=True)
    with (project / OLD).open("a") as rules:
        rules.write(TEAM_RULE)
    commit_all(project, "team tunes the alerts")
    team_version = (project / OLD).read_text()

    update(project, trust=True)

    assert not (project / OLD).exists()
    renamed = (project / NEW).read_text()
    assert TEAM_RULE in renamed, "the team's edit was lost in the rename"
    # nothing of the template's file is missing; the only difference is the team's edit,
    # shown once as a conflict (the pre-commit hook blocks committing it unresolved)
    kept = [
        line
        for line in renamed.splitlines(keepends=True)
        if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))
    ]
    assert "".join(kept) == team_version
    new = fresh("v1.1.0", monitoring=True)
    assert new[NEW].decode() + TEAM_RULE == team_version


def test_an_untouched_renamed_file_moves_cleanly(template_clone, fresh, tmp_path):
    script_rename(template_clone)
    project = generate(template_clone, tmp_path / "project", "v1.0.0", monitoring=True)

    update(project, trust=True)

    files = tree(project)
    assert OLD not in files
    new = fresh("v1.1.0", monitoring=True)
    for relpath, content in new.items():
        if relpath != ".env":
            assert files[relpath] == content, f"{relpath} differs from a fresh v1.1.0 project"
    assert not git(project, "diff", "--name-only", "--diff-filter=U"), "unexpected conflict"


def test_migrations_need_trust_on_update_only(template_clone, tmp_path):
    script_rename(template_clone)
    generate(template_clone, tmp_path / "new-project", "v1.1.0", monitoring=True)  # no trust

    project = generate(template_clone, tmp_path / "project", "v1.0.0", monitoring=True)
    with pytest.raises(UnsafeTemplateError, match="migrations"):
        update(project)
    assert (project / OLD).exists() and not (project / NEW).exists()
