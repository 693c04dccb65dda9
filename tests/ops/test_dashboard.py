"""Grafana provisioning of every monitoring variant: the dashboard JSON against the rules Grafana
applies when it loads a file, each query parsed by promtool, and each metric checked against the
metrics contract (docs/architecture.md). Grafana itself cannot run here: whether it renders the
panels as intended stays unchecked."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ops.opskit import (
    MONITORING_VARIANTS,
    all_panels,
    contract_metrics,
    contract_rows,
    metric_names,
    queries,
)
from tests.support.processes import run

VARIANTS = pytest.mark.parametrize("variant", MONITORING_VARIANTS)
PANEL_TYPES = {"row", "timeseries", "stat", "bargauge", "gauge", "table"}
# Metric name prefixes of each exporter, and when it runs.
EXPORTERS = {
    "node_": lambda a: True,
    "pg_": lambda a: a["database"] == "postgresql",
    "mongodb_": lambda a: a["database"] == "mongodb",
    "redis_": lambda a: a["worker"],
}


def grafana_dir(rendered, variant: str) -> Path:
    return rendered(MONITORING_VARIANTS[variant]) / "docker" / "monitoring" / "grafana"


def dashboards(rendered, variant: str) -> list[dict[str, Any]]:
    files = sorted((grafana_dir(rendered, variant) / "dashboards").glob("*.json"))
    assert files, "no dashboard rendered"
    return [json.loads(path.read_text()) for path in files]


def test_metric_names_extraction():
    """The extractor itself: functions, labels, groupings and strings are not metric names."""
    expr = 'histogram_quantile(0.95, sum by (route, le) (rate(a_bucket{status=~"5.."}[5m]))) / b'
    assert metric_names(expr) == {"a_bucket", "b"}
    assert metric_names('1 - avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))') == {
        "node_cpu_seconds_total"
    }


@VARIANTS
def test_dashboard_structure(rendered, variant):
    datasource = yaml.safe_load(
        (grafana_dir(rendered, variant) / "provisioning/datasources/prometheus.yml").read_text()
    )["datasources"][0]
    expected_source = {"type": datasource["type"], "uid": datasource["uid"]}
    for dashboard in dashboards(rendered, variant):
        assert dashboard["title"] and 0 < len(dashboard["uid"]) <= 40
        assert isinstance(dashboard["schemaVersion"], int)
        panels = all_panels(dashboard)
        ids = [p["id"] for p in panels]
        assert len(ids) == len(set(ids)), f"duplicate panel ids: {ids}"
        for panel in panels:
            where = f"panel {panel['id']} ({panel.get('title')})"
            assert panel["type"] in PANEL_TYPES, where
            assert panel["title"], where
            grid = panel["gridPos"]
            assert all(isinstance(grid[k], int) for k in "xywh"), where
            assert grid["x"] >= 0 and grid["w"] >= 1 and grid["x"] + grid["w"] <= 24, where
            if panel["type"] == "row":
                continue
            assert panel["datasource"] == expected_source, where
            assert panel["targets"], f"{where}: no query"
            refs = [t["refId"] for t in panel["targets"]]
            assert len(refs) == len(set(refs)), f"{where}: duplicate refId"
            for target in panel["targets"]:
                assert target["datasource"] == expected_source, where
                assert target["expr"].strip(), where


@VARIANTS
def test_panels_do_not_overlap(rendered, variant):
    for dashboard in dashboards(rendered, variant):
        boxes = [(p["id"], p["gridPos"]) for p in dashboard["panels"]]
        for (id_a, a), (id_b, b) in combinations(boxes, 2):
            apart = (
                a["x"] + a["w"] <= b["x"]
                or b["x"] + b["w"] <= a["x"]
                or a["y"] + a["h"] <= b["y"]
                or b["y"] + b["h"] <= a["y"]
            )
            assert apart, f"panels {id_a} and {id_b} overlap"


@VARIANTS
def test_every_query_parses(rendered, promtool, variant, tmp_path):
    """promtool parses each expression (as a recording rule): syntax and function names."""
    exprs = [e for d in dashboards(rendered, variant) for e in queries(d)]
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard_query_{i}", "expr": e} for i, e in enumerate(exprs)
                ],
            }
        ]
    }
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump(rules))
    result = run([promtool, "check", "rules", str(path)], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(exprs)} rules found" in result.stdout


def test_promtool_rejects_a_bad_query(promtool, tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "g", "rules": [
        {"record": "bad", "expr": "sum by (route (rate(rag_http_requests_total[5m]))"}]}]}))  # fmt: skip
    assert run([promtool, "check", "rules", str(path)], cwd=tmp_path).returncode != 0


@VARIANTS
def test_queries_name_only_exported_metrics(rendered, variant):
    """Application metrics come from the contract, exporter metrics from a running exporter."""
    answers = MONITORING_VARIANTS[variant]
    known = contract_metrics()
    for dashboard in dashboards(rendered, variant):
        for expr in queries(dashboard):
            for name in metric_names(expr):
                if name == "up":
                    continue
                if name.startswith("rag_"):
                    assert name in known, f"{name} is not in the metrics contract"
                    assert answers["worker"] or known[name] != "worker", f"{name}: no worker"
                else:
                    prefix = next((p for p in EXPORTERS if name.startswith(p)), None)
                    assert prefix, f"{name}: no exporter of this variant exports it"
                    assert EXPORTERS[prefix](answers), f"{name}: its exporter is not chosen"


@VARIANTS
def test_dashboard_shows_every_application_metric(rendered, variant):
    """Request rate, errors, latency, ingestion, vector store size, and the worker's queue."""
    worker = MONITORING_VARIANTS[variant]["worker"]
    shown = {n for d in dashboards(rendered, variant) for e in queries(d) for n in metric_names(e)}
    for name, kind, exporters in contract_rows():
        if exporters == "worker" and not worker:
            continue
        sample = f"{name}_bucket" if kind == "histogram" else name
        assert sample in shown, f"{name} is on no panel"


@VARIANTS
def test_provisioning_files(rendered, variant):
    folder = grafana_dir(rendered, variant) / "provisioning"
    sources = yaml.safe_load((folder / "datasources/prometheus.yml").read_text())
    assert sources["apiVersion"] == 1
    [source] = sources["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    providers = yaml.safe_load((folder / "dashboards/dashboards.yml").read_text())
    assert providers["apiVersion"] == 1
    [provider] = providers["providers"]
    assert provider["type"] == "file" and provider["options"]["path"] == "/etc/grafana/dashboards"
