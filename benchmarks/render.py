"""Wall time and peak memory of `copier copy` for the default stack and the largest one.

Each run is a separate `copier copy` process of a git clone of the template's HEAD (committed
work only, as a user gets it); its peak RSS comes from wait4(). Two floors are measured in the
same run: `copier --version` (Copier's start-up) and a one-file Copier template (one question,
one file, also a git repository copied at HEAD). The ratio of the default stack to that floor
template is what issue 10 targets (at most 1.5).
Usage: .venv/bin/python benchmarks/render.py [--runs 7] [--ref COMMIT (default HEAD)]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks.timing import COPIER, STACKS, measure, spread

TEMPLATE = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.5  # copier copy --defaults of the default stack / of the floor template
REFERENCES = {  # medians measured on the same kind of machine (see ../shared/GUIDE.md)
    "full-stack-fastapi-template": (2.30, 143),
    "cookiecutter-django": (0.66, 42),
}


def copier_copy(template: Path, answers: dict[str, str], dest: Path) -> list[str]:
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    options = ["--quiet", "--defaults", "--vcs-ref", "HEAD", *data]
    return [str(COPIER), "copy", *options, str(template), str(dest)]


def floor_template(dest: Path) -> Path:
    """A one-file Copier template in a git repository: the least any template costs.

    Laid out like this one (`_subdirectory`), so Copier does not walk the floor's .git folder.
    """
    (dest / "template").mkdir(parents=True)
    questions = "_subdirectory: template\nproject_name:\n  type: str\n  default: Floor\n"
    (dest / "copier.yml").write_text(questions)
    (dest / "template/README.md.jinja").write_text("# {{ project_name }}\n")
    git = ["git", "-c", "user.name=Benchmark", "-c", "user.email=bench@example.com"]
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-qm", "floor"], cwd=dest, check=True)
    return dest


def median(results: list[tuple[float, float, float]], column: int) -> float:
    return statistics.median(result[column] for result in results)


def row(name: str, files: int | str, results: list[tuple[float, float, float]]) -> str:
    walls, cpus, peaks = (list(column) for column in zip(*results, strict=True))
    return (
        f"{name:<40} {files:>5} {spread(walls, 2):>18} {spread(cpus, 2):>18} {spread(peaks, 0):>14}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--ref", default="HEAD", help="the template's commit to measure")
    args = parser.parse_args()
    runs = args.runs

    load = os.getloadavg()[0]
    print(f"{runs} runs each; median (min-max); load average {load:.1f} on {os.cpu_count()} CPUs")
    print("wall time is load-bound on a shared machine; CPU time (user+sys) is not\n")
    print(f"{'what':<40} {'files':>5} {'wall s':>18} {'CPU s':>18} {'peak MiB':>14}")
    startup = [measure([str(COPIER), "--version"]) for _ in range(runs)]
    print(row("copier --version (start-up floor)", "", startup))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        subprocess.run(["git", "clone", "-q", str(TEMPLATE), str(template)], check=True)
        subprocess.run(["git", "checkout", "-q", args.ref], cwd=template, check=True)
        sources = {"floor": floor_template(Path(tmp) / "floor"), **dict.fromkeys(STACKS, template)}
        for n in range(runs):  # interleaved, so load changes hit every row alike
            for name, source in sources.items():
                dest = Path(tmp) / f"{name}{n}"
                results.setdefault(name, []).append(
                    measure(copier_copy(source, STACKS.get(name, {}), dest))
                )
        for name, timings in results.items():
            files = sum(1 for p in (Path(tmp) / f"{name}0").rglob("*") if p.is_file())
            label = "one-file floor template" if name == "floor" else f"{name} stack"
            print(row(f"copy --defaults, {label}", files, timings))
    for name, (wall, peak) in REFERENCES.items():
        print(f"{name + ' (reference)':<40} {'':>5} {wall:>18.2f} {'':>18} {peak:>14}")
    wall, cpu = (median(results["defaults"], c) / median(results["floor"], c) for c in (0, 1))
    print(f"\n{'ratio':<40} {'wall':>8} {'CPU':>8} {'target':>8}")
    print(f"{'defaults stack / floor template':<40} {wall:>7.2f}x {cpu:>7.2f}x {TARGET_RATIO:>7}x")


if __name__ == "__main__":
    main()
