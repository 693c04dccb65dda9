"""Helpers of the ops tests: the monitoring answer sets, the Compose model, dashboards, PromQL
and the metrics contract."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.support import REPO
from tests.support.processes import compose

CONTRACT = REPO / "docs" / "architecture.md"

# Every database with and without the worker (monitoring on); other answers vary alongside.
MONITORING_VARIANTS: dict[str, dict[str, Any]] = {
    "postgresql-worker": {"database": "postgresql", "worker": True, "reverse_proxy": "nginx"},
    "postgresql": {
        "database": "postgresql",
        "worker": False,
        "vector_store": "chroma",
        "ui": "none",
    },
    "mongodb-worker": {
        "database": "mongodb",
        "worker": True,
        "vector_store": "qdrant",
        "ui": "none",
    },
    "mongodb": {"database": "mongodb", "worker": False, "vector_store": "faiss"},
    "none-worker": {"database": "none", "worker": True, "vector_store": "chroma", "ci": "gitlab"},
    "none": {"database": "none", "worker": False, "vector_store": "faiss", "ci": "none"},
}
for _answers in MONITORING_VARIANTS.values():
    _answers["monitoring"] = True


def compose_config(project: Path, *profiles: str) -> dict[str, Any]:
    """The merged model of docker-compose.yml with these profiles, as docker compose sees it."""
    args = [a for p in profiles for a in ("--profile", p)]
    result = compose(project, *args, "config", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# ------------------------------------------------------------- dashboards and PromQL

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and",
                "or", "unless", "offset", "inf", "nan"}  # fmt: skip


def all_panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels = list(dashboard["panels"])
    return panels + [inner for panel in panels for inner in panel.get("panels", [])]


def queries(dashboard: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in all_panels(dashboard) for t in p.get("targets", [])]


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (strings, matchers, ranges and groupings removed)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w.])[a-zA-Z_:][\w:]*", text):
        if match.group() not in PROMQL_WORDS and not text[match.end() :].lstrip().startswith("("):
            names.add(match.group())
    return names


def contract_rows() -> list[tuple[str, str, str]]:
    """(metric, type, exported by) rows of the metrics table of docs/architecture.md."""
    rows = re.findall(
        r"^\| `(rag_\w+)` \| (\w+) \|[^|]*\| ([^|]+) \|$", CONTRACT.read_text(), re.MULTILINE
    )
    assert rows, f"no metrics table found in {CONTRACT}"
    return [(name, kind, exporters.strip()) for name, kind, exporters in rows]


def contract_metrics() -> dict[str, str]:
    """Every sample name the contract's metrics expose -> the components exporting it."""
    names = {}
    for name, kind, exporters in contract_rows():
        suffixes = ("_bucket", "_sum", "_count") if kind == "histogram" else ("",)
        names |= {name + suffix: exporters for suffix in suffixes}
    return names
