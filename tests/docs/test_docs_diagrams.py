"""Every mermaid diagram of the docs parses with mermaid's own parser (npm, pinned)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PARSER = Path(__file__).with_name("mermaid_parse.mjs")
PACKAGES = ["mermaid@11.17.2", "jsdom@25.0.1"]
NODE_DIR = REPO / ".venv" / "npm-docs"
DIAGRAM = re.compile(r"^```mermaid\n(.*?)^```", re.DOTALL | re.MULTILINE)


@pytest.fixture(scope="module")
def parse(tmp_path_factory):
    """parse(texts) -> (exit code, output) of mermaid's parser over the texts."""
    if not shutil.which("node") or not shutil.which("npm"):
        pytest.fail("node and npm are needed (tests/run.sh installs them)")
    if not (NODE_DIR / "node_modules" / "mermaid").is_dir():
        subprocess.run(
            [
                "npm",
                "install",
                "-q",
                "--prefix",
                str(NODE_DIR),
                "--no-save",
                "--no-audit",
                "--no-fund",
                *PACKAGES,
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    shutil.copy(PARSER, NODE_DIR / PARSER.name)
    workdir = tmp_path_factory.mktemp("mermaid")

    def run(texts: list[str]) -> tuple[int, str]:
        files = []
        for index, text in enumerate(texts):
            files.append(workdir / f"diagram{index}.mmd")
            files[-1].write_text(text)
        result = subprocess.run(
            ["node", str(NODE_DIR / PARSER.name), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return result.returncode, result.stdout + result.stderr

    return run


def diagrams() -> list[tuple[str, str]]:
    pages = [*REPO.glob("docs/*.md"), *REPO.glob("docs/pages/*.md")]
    return [(p.name, d) for p in sorted(pages) for d in DIAGRAM.findall(p.read_text())]


def test_docs_have_a_diagram():
    assert any(page == "architecture.md" for page, _ in diagrams())


def test_diagrams_parse(parse):
    code, out = parse([text for _, text in diagrams()])
    assert code == 0, out


def test_parser_catches_a_broken_diagram(parse):
    code, out = parse(["flowchart LR\n  api[FastAPI --> db\n"])
    assert code == 1 and "diagram0.mmd" in out
