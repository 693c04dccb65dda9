"""Wall time and peak memory of `copier copy` for the default stack and the largest one.

Each run is a separate `copier copy` process of a git clone of the template's HEAD (committed
work only, as a user gets it); its peak RSS comes from wait4(). `copier --version` is measured
too: Copier's own start-up is the floor no template can go under.
Usage: .venv/bin/python benchmarks/render.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from pathlib import Path

from timing import COPIER, STACKS, measure, spread

TEMPLATE = Path(__file__).resolve().parent.parent
REFERENCES = {  # medians measured on the same kind of machine (see ../shared/GUIDE.md)
    "full-stack-fastapi-template": (2.30, 143),
    "cookiecutter-django": (0.66, 42),
}


def copier_copy(template: Path, answers: dict[str, str], dest: Path) -> list[str]:
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    options = ["--quiet", "--defaults", "--vcs-ref", "HEAD", *data]
    return [str(COPIER), "copy", *options, str(template), str(dest)]


def row(name: str, files: int | str, results: list[tuple[float, float, float]]) -> str:
    walls, cpus, peaks = (list(column) for column in zip(*results, strict=True))
    return (
        f"{name:<40} {files:>5} {spread(walls, 2):>18} {spread(cpus, 2):>18} {spread(peaks, 0):>14}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs

    load = os.getloadavg()[0]
    print(f"{runs} runs each; median (min-max); load average {load:.1f} on {os.cpu_count()} CPUs")
    print("wall time is load-bound on a shared machine; CPU time (user+sys) is not\n")
    print(f"{'what':<40} {'files':>5} {'wall s':>18} {'CPU s':>18} {'peak MiB':>14}")
    startup = [measure([str(COPIER), "--version"]) for _ in range(runs)]
    print(row("copier --version (start-up floor)", "", startup))
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        subprocess.run(["git", "clone", "-q", str(TEMPLATE), str(template)], check=True)
        for name, answers in STACKS.items():
            dests = [Path(tmp) / f"{name}{n}" for n in range(runs)]
            results = [measure(copier_copy(template, answers, dest)) for dest in dests]
            files = sum(1 for p in dests[0].rglob("*") if p.is_file())
            label = f"copier copy --defaults, {name} stack"
            print(row(label, files, results))
    for name, (wall, peak) in REFERENCES.items():
        print(f"{name + ' (reference)':<40} {'':>5} {wall:>18.2f} {'':>18} {peak:>14}")


if __name__ == "__main__":
    main()
