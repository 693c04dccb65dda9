"""Relock the generated projects' dependencies: `python -m scripts.lock` (or `make lock`).

Renders the template (working tree) with answer sets that together write every requirement
line of template/pyproject.toml.jinja, locks their union with uv, and writes
template/uv.lock.jinja: that resolution's packages after the head and project entry that
includes/uv_lock.jinja reads from each project's own pyproject.toml. Run it after any change
to the generated dependencies; tests/fast/test_fast_lock.py fails until then.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from tests.support import REPO
from tests.support.rendering import render

OUTPUT = REPO / "template" / "uv.lock.jinja"
UV = Path(sys.executable).with_name("uv")
# Together: every backend, component kind and optional part of the pyproject.
ANSWER_SETS = [
    {
        "database": "postgresql", "worker": True, "object_store": "s3", "llm": "ollama",
        "experiment_tracking": "mlflow", "orchestrator": "airflow", "batch_processing": "spark",
        "ci": "none", "components": {"team_service": "service", "team_consumer": "consumer"},
    },
    {"database": "mongodb", "vector_store": "qdrant", "ci": "none"},
    {"vector_store": "chroma", "ci": "none"},
    {"vector_store": "faiss", "ci": "none"},
]  # fmt: skip
HEAD = """{#- Written by `python -m scripts.lock` from every answer set's requirements: do not edit. -#}
{%- import 'includes/uv_lock.jinja' as lock with context -%}
"""


def union(pyprojects: list[dict]) -> str:
    """One pyproject requiring every requirement of the renders (groups kept as groups)."""
    requirements: set[str] = set()
    groups: dict[str, set[str]] = {}
    for pyproject in pyprojects:
        requirements.update(pyproject["project"]["dependencies"])
        for extra in pyproject["project"]["optional-dependencies"].values():
            requirements.update(extra)
        for name, group in pyproject.get("dependency-groups", {}).items():
            groups.setdefault(name, set()).update(group)
    lines = [
        "[project]", 'name = "every-answer"', 'version = "0.1.0"',
        f'requires-python = "{pyprojects[0]["project"]["requires-python"]}"',
        f"dependencies = {sorted(requirements)!r}".replace("'", '"'),
        "[dependency-groups]",
        *(f"{name} = {sorted(group)!r}".replace("'", '"') for name, group in groups.items()),
        "[tool.uv]", "package = false",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def reached(lock: dict) -> dict[str, set[str]]:
    """package -> the project's requirements (names) that reach it. Every edge counts, each
    extra of a package too: a kept package never names one left out."""
    edges = {
        p["name"]: {d["name"] for d in p.get("dependencies", [])}
        | {d["name"] for deps in p.get("optional-dependencies", {}).values() for d in deps}
        | {d["name"] for deps in p.get("dev-dependencies", {}).values() for d in deps}
        for p in lock["package"]
    }
    by: dict[str, set[str]] = {name: set() for name in edges}
    for root in edges["every-answer"]:
        todo = [root]
        while todo:
            name = todo.pop()
            if root not in by[name]:
                by[name].add(root)
                todo += edges[name]
    return by


def template(lock: str) -> str:
    """The lock's packages, each kept when one of the project's requirements reaches it; its
    head and project entry are includes/uv_lock.jinja's."""
    by = reached(tomllib.loads(lock))
    head, *blocks = lock.split("\n[[package]]\n")
    packages = []
    for block in blocks:
        name = tomllib.loads(block)["name"]
        if name != "every-answer":
            roots = ", ".join(f'"{root}"' for root in sorted(by[name]))
            packages.append(
                f"{{%- if [{roots}] | select('in', lock.required) | list %}}{{% raw %}}\n\n"
                f"[[package]]\n{block.rstrip()}{{% endraw %}}{{% endif %}}"
            )
    lines = head.strip().splitlines()
    version = [line for line in lines if line.startswith(("version =", "revision ="))]
    rest = [
        line
        for line in lines
        if not line.startswith(("version =", "revision =", "requires-python ="))
    ]
    return (
        HEAD + "\n".join(version) + "\n{{ lock.requires_python() }}\n"
        + ("\n".join(rest) + "\n" if rest else "")
        + "\n{{ lock.project() }}\n" + "\n".join(packages) + "\n"
    )  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="stackyard-lock-") as folder:
        pyprojects = []
        for index, answers in enumerate(ANSWER_SETS):
            project = render(Path(folder) / str(index), {"python_version": "3.11", **answers})
            pyprojects.append(tomllib.loads((project / "pyproject.toml").read_text()))
        work = Path(folder) / "union"
        work.mkdir()
        (work / "pyproject.toml").write_text(union(pyprojects))
        subprocess.run([str(UV), "lock", "--quiet", "--python", "3.11"], cwd=work, check=True)
        OUTPUT.write_text(template((work / "uv.lock").read_text()))
    print(f"wrote {OUTPUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
