"""The README test command cannot pass when nothing ran, and CI runs exactly that command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_tests_sh(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TESTS_SKIP_SETUP": "1"}
    cmd = ["bash", "tests/run.sh", *args, "-p", "no:cacheprovider"]
    return subprocess.run(
        cmd, cwd=REPO, env=env, check=False, capture_output=True, text=True, timeout=300
    )


def test_no_test_ran_fails():
    proc = run_tests_sh("tests/fast/test_fast_generator.py", "-k", "no_such_test")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "pytest ran no test" in proc.stderr


def test_arguments_pass_through():
    proc = run_tests_sh("tests/fast/test_fast_generator.py", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout


def test_ci_entry_point_runs_the_readme_command():
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in ci
    assert ci[-1] == "bash tests/run.sh"
    assert "bash tests/run.sh" in (REPO / "README.md").read_text().split("\n## ")[0]
