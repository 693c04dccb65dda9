"""Figures of the generated images and stacks, measured with the real Docker engine.

Per component image (api, worker, ui of the largest stack, api of the defaults): build context
size, cold build time (--no-cache), cached rebuild time after a one-line change in its source,
size added over its base image. Per stack: seconds from `docker compose up -d --wait` to every
service healthy, images already built.
Base and third-party images are the offline stand-ins (../shared/offline-images), as in the
Docker test tier. Usage (from the repository root):
.venv/bin/python -m benchmarks.images [--stacks defaults largest]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.timing import STACKS
from tests.support.answers import DOCKER_BASE, Answers
from tests.support.rendering import render
from tests.support.stacks import OFFLINE_IMAGES, Stack

BASE_IMAGE = OFFLINE_IMAGES["PYTHON_IMAGE"]
TARGETS = {"size": 100, "cached": 5.0, "context": 200, "up": 30.0}  # MB, s, KB, s
CONTEXT = re.compile(r"Sending build context to Docker daemon\s+([\d.]+)\s*([kKMG]?B)")
UNITS = {"B": 1 / 1000, "kB": 1, "KB": 1, "MB": 1000, "GB": 1_000_000}


def image_size_mb(image: str) -> float:
    out = subprocess.run(["docker", "image", "inspect", "-f", "{{.Size}}", image],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return int(out.stdout) / 1e6


def build(project: Path, component: str, tag: str, *extra: str) -> tuple[float, float]:
    """docker build of one component: (seconds, context KB)."""
    cmd = ["docker", "build", "--network", "host", "--build-arg", f"PYTHON_IMAGE={BASE_IMAGE}",
           "-f", f"docker/{component}/Dockerfile", "-t", tag, *extra, "."]  # fmt: skip
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=project, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"build of {component} failed:\n{result.stdout[-3000:]}\n{result.stderr}")
    found = CONTEXT.search(result.stdout + result.stderr)
    context = float(found.group(1)) * UNITS[found.group(2)] if found else float("nan")
    return seconds, context


def measure_images(stack: str, project: Path) -> list[tuple]:
    rows = []
    base = image_size_mb(BASE_IMAGE)
    for dockerfile in sorted(project.glob("docker/*/Dockerfile")):
        component = dockerfile.parent.name
        tag = f"bench-{stack}-{component}:{uuid.uuid4().hex[:6]}"
        cold, context = build(project, component, tag, "--no-cache")
        source = project / "src" / component / "__init__.py"
        source.write_text(source.read_text() + "# a one-line change\n")
        cached, _ = build(project, component, tag)
        rows.append((f"{stack}/{component}", context, cold, cached, image_size_mb(tag) - base))
        subprocess.run(["docker", "rmi", tag], capture_output=True, check=False)
    return rows


def measure_up(stack_name: str, project: Path) -> float:
    stack = Stack(project, f"bench-{stack_name}-{uuid.uuid4().hex[:6]}", STACKS[stack_name])
    stack.write_test_overrides()
    try:
        stack.run("build", timeout=1800)
        return stack.up()
    finally:
        stack.down()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", nargs="+", default=list(STACKS), choices=list(STACKS))
    args = parser.parse_args()
    images, ups = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.stacks:
            answers: Answers = DOCKER_BASE | STACKS[name]
            images += measure_images(name, render(Path(tmp) / name, answers))
            ups.append((name, measure_up(name, render(Path(tmp) / f"{name}-up", answers))))
    print(f"\nbase image {BASE_IMAGE}: {image_size_mb(BASE_IMAGE):.0f} MB")
    print(
        f"{'image':<20} {'context KB':>10} {'cold build s':>12} {'cached s':>9} {'MB over base':>13}"
    )
    for name, context, cold, cached, size in images:
        print(f"{name:<20} {context:>10.1f} {cold:>12.1f} {cached:>9.1f} {size:>13.1f}")
    t = TARGETS
    print(f"{'target':<20} {'<= ' + str(t['context']):>10} {'':>12} {'<= ' + str(t['cached']):>9}"
          f" {'<= ' + str(t['size']) + ' (api)':>13}")  # fmt: skip
    print(f"\n{'stack':<20} {'up -d --wait s':>15}   (images built; target largest <= {t['up']})")
    for name, seconds in ups:
        print(f"{name:<20} {seconds:>15.1f}")


if __name__ == "__main__":
    main()
