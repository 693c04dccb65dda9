"""Figures of the generated images and stacks, measured with the real Docker engine.

Per component image (api, worker, ui of the largest stack, api of the defaults): build context
size, cold build time (--no-cache), cached rebuild time after a one-line change in its source,
size added over its base image; for the API, its cold start: seconds from `docker run` to
/readyz answering 200, and to the first /search answered (the first query embedded).
Per stack: seconds from `docker compose up -d --wait` to every service healthy, images built.
Base and third-party images are the offline stand-ins (../shared/offline-images), as in the
Docker test tier. Usage (from the repository root):
.venv/bin/python -m benchmarks.images [--stacks defaults largest]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from benchmarks.timing import STACKS
from tests.support.answers import DOCKER_BASE, Answers
from tests.support.rendering import render
from tests.support.stacks import OFFLINE_IMAGES, Stack, free_port

BASE_IMAGE = OFFLINE_IMAGES["PYTHON_IMAGE"]
# MB, s, KB, s; the API: 200 MB over base with its embedding model, cold start to a first search
TARGETS = {"size": 200, "cached": 5.0, "context": 200, "up": 30.0, "cold": 10.0}
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


def cold_start(tag: str, environment: dict[str, str], key: str) -> tuple[float, float]:
    """docker run of the API image alone, with its Compose environment: seconds to /readyz 200,
    and to a first /search answered with the developer's key (nan for a stack whose API needs
    other services)."""
    port = free_port()
    env = [arg for name, value in environment.items() for arg in ("-e", f"{name}={value}")]
    headers = {"Authorization": f"Bearer {key}"}
    start = time.perf_counter()
    container = subprocess.run(["docker", "run", "-d", "--rm", "-p", f"127.0.0.1:{port}:8000",
                                *env, tag], capture_output=True, text=True, check=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        ready = None
        while ready is None and time.perf_counter() - start < 120:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    ready = time.perf_counter() - start
            except httpx.HTTPError:
                time.sleep(0.1)
        if ready is None:
            return float("nan"), float("nan")
        search = httpx.post(f"{url}/search", json={"query": "late bills", "top_k": 3},
                            headers=headers, timeout=60)  # fmt: skip
        search.raise_for_status()
        return ready, time.perf_counter() - start
    finally:
        subprocess.run(
            ["docker", "stop", container.stdout.strip()], capture_output=True, check=False
        )


def api_key(project: Path) -> str:
    """The developer's key in the rendered .env (its digest is in the API's API_KEY_HASHES)."""
    lines = (project / ".env").read_text().splitlines()
    return next(line.partition("=")[2] for line in lines if line.startswith("API_KEY="))


def api_environment(project: Path) -> dict[str, str]:
    config = subprocess.run(["docker", "compose", "config", "--format", "json"], cwd=project,
                            capture_output=True, text=True, check=True)  # fmt: skip
    environment = json.loads(config.stdout)["services"]["api"].get("environment", {})
    return {name: value for name, value in environment.items() if value is not None}


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
        start = (cold_start(tag, api_environment(project), api_key(project)) if component == "api"
                 else (float("nan"), float("nan")))  # fmt: skip
        rows.append((f"{stack}/{component}", context, cold, cached, image_size_mb(tag) - base,
                     *start))  # fmt: skip
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
    print(f"{'image':<20} {'context KB':>10} {'cold build s':>12} {'cached s':>9} "
          f"{'MB over base':>13} {'readyz s':>9} {'1st search s':>12}")  # fmt: skip
    for name, context, cold, cached, size, ready, first in images:
        print(f"{name:<20} {context:>10.1f} {cold:>12.1f} {cached:>9.1f} {size:>13.1f} "
              f"{ready:>9.1f} {first:>12.1f}")  # fmt: skip
    t = TARGETS
    print(f"{'target':<20} {'<= ' + str(t['context']):>10} {'':>12} {'<= ' + str(t['cached']):>9}"
          f" {'<= ' + str(t['size']) + ' (api)':>13} {'':>9} {'<= ' + str(t['cold']):>12}")  # fmt: skip
    print(f"\n{'stack':<20} {'up -d --wait s':>15}   (images built; target largest <= {t['up']})")
    for name, seconds in ups:
        print(f"{name:<20} {seconds:>15.1f}")


if __name__ == "__main__":
    main()
