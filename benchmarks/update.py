"""Wall time and peak memory of `copier update` on the largest stack (and on the defaults).

A git clone of the template's HEAD gets two scripted releases: v1.0.0 (the last line of
.gitignore removed) and v1.1.0 (HEAD). A project is generated from v1.0.0 and committed; each
run updates a fresh copy of it to v1.1.0 in a separate `copier update` process. Peak RSS and
CPU time come from wait4(); CPU time includes git and the other subprocesses and depends less
on the machine's load than wall time does.
The real repository is never tagged.
Usage (from the repository root): .venv/bin/python -m benchmarks.update [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from benchmarks.timing import COPIER, STACKS, measure, spread
from tests.support import REPO as TEMPLATE
from tests.support.answers import Answers, cli_data

GIT_ENV = {
    **os.environ,
    **{
        f"GIT_{who}_{what}": value
        for who in ("AUTHOR", "COMMITTER")
        for what, value in (("NAME", "Benchmark"), ("EMAIL", "bench@example.com"))
    },
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, env=GIT_ENV, stdout=subprocess.DEVNULL)


def two_releases(tmp: Path) -> Path:
    template = tmp / "template"
    subprocess.run(["git", "clone", "-q", str(TEMPLATE), str(template)], check=True)
    gitignore = template / "template/.gitignore"
    lines = gitignore.read_text().splitlines(keepends=True)
    gitignore.write_text("".join(lines[:-1]))
    git(template, "commit", "-qam", "v1.0.0: older .gitignore")
    git(template, "tag", "v1.0.0")
    git(template, "revert", "--no-edit", "HEAD")
    git(template, "tag", "v1.1.0")
    return template


def project_at_v1_0_0(template: Path, answers: Answers, dest: Path) -> Path:
    data = cli_data(answers)
    subprocess.run(
        [
            str(COPIER),
            "copy",
            "-q",
            "--defaults",
            "--vcs-ref",
            "v1.0.0",
            *data,
            str(template),
            str(dest),
        ],
        check=True,
        env=GIT_ENV,
    )
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "generated")
    return dest


def row(name: str, files: int, walls: list[float], cpus: list[float], peaks: list[float]) -> str:
    return (
        f"{name:<40} {files:>5} {spread(walls, 2):>18} {spread(cpus, 2):>18} {spread(peaks, 0):>12}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{runs} runs each; median (min-max); load average {load} on {os.cpu_count()} CPUs\n")
    print(f"{'what':<40} {'files':>5} {'wall s':>18} {'CPU s':>18} {'peak MiB':>12}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        template = two_releases(tmp)
        for name, answers in STACKS.items():
            original = project_at_v1_0_0(template, answers, tmp / f"{name}-v1.0.0")
            files = sum(1 for p in original.rglob("*") if p.is_file() and ".git" not in p.parts)
            results = []
            for n in range(runs):
                project = tmp / f"{name}{n}"
                shutil.copytree(original, project, symlinks=True)
                update = [str(COPIER), "update", "-q", "--defaults", "--vcs-ref", "v1.1.0"]
                results.append(measure(update, cwd=project, env=GIT_ENV))
                updated = (project / ".copier-answers.yml").read_text()
                assert "_commit: v1.1.0" in updated, f"{project} was not updated"
            label = f"copier update v1.0.0 -> v1.1.0, {name}"
            print(row(label, files, *map(list, zip(*results, strict=True))))


if __name__ == "__main__":
    main()
