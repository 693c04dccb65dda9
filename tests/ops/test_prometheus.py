"""prometheus.yml and the alert rules of every monitoring variant, checked by promtool."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.ops.opskit import MONITORING_VARIANTS
from tests.support.processes import run

VARIANTS = pytest.mark.parametrize("variant", MONITORING_VARIANTS)


def monitoring_dir(rendered, variant: str) -> Path:
    return rendered(MONITORING_VARIANTS[variant]) / "docker" / "monitoring"


@VARIANTS
def test_promtool_check_config(rendered, promtool, variant, tmp_path):
    """The configuration and the rule file it names are valid (promtool follows rule_files and
    wants the API key file Compose mounts next to it)."""
    folder = tmp_path / "monitoring"
    shutil.copytree(monitoring_dir(rendered, variant), folder)
    (folder / "prometheus_api_key").write_text("a-key\n")
    result = run([promtool, "check", "config", "prometheus.yml"], cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout + result.stderr


@VARIANTS
def test_alert_rules_unit_tests(rendered, promtool, variant):
    folder = monitoring_dir(rendered, variant)
    result = run([promtool, "test", "rules", "alerts.test.yml"], cwd=folder)
    assert result.returncode == 0, result.stdout + result.stderr


@VARIANTS
def test_scrape_jobs_only_for_chosen_components(rendered, variant):
    answers = MONITORING_VARIANTS[variant]
    config = yaml.safe_load((monitoring_dir(rendered, variant) / "prometheus.yml").read_text())
    targets = {
        job["job_name"]: target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    expected = {"prometheus": "localhost:9090", "api": "api:8000", "node": "node-exporter:9100"}
    if answers["worker"]:
        expected |= {"worker": "worker:8001", "redis": "redis-exporter:9121"}
    if answers["database"] == "postgresql":
        expected["postgres"] = "db-exporter:9187"
    if answers["database"] == "mongodb":
        expected["mongodb"] = "db-exporter:9216"
    assert targets == expected


def alert_names(path: Path) -> set[str]:
    groups = yaml.safe_load(path.read_text())["groups"]
    return {rule["alert"] for group in groups for rule in group["rules"]}


@VARIANTS
def test_every_alert_fires_in_a_unit_test(rendered, variant):
    folder = monitoring_dir(rendered, variant)
    tests = yaml.safe_load((folder / "alerts.test.yml").read_text())["tests"]
    fired = {
        case["alertname"]
        for test in tests
        for case in test["alert_rule_test"]
        if case.get("exp_alerts")
    }
    expected = {"TargetDown", "ApiHighErrorRate", "ApiHighLatency", "DiskAlmostFull"}
    if MONITORING_VARIANTS[variant]["worker"]:
        expected.add("QueueBacklog")
    assert alert_names(folder / "alerts.yml") == expected
    assert fired == expected


def test_unit_tests_catch_a_broken_rule(rendered, promtool, tmp_path):
    """The rule tests can fail: a TargetDown rule that never fires is reported."""
    folder = monitoring_dir(rendered, "postgresql-worker")
    for name in ("alerts.yml", "alerts.test.yml"):
        (tmp_path / name).write_text((folder / name).read_text())
    rules = tmp_path / "alerts.yml"
    rules.write_text(rules.read_text().replace("expr: up == 0", "expr: up == 2"))
    result = run([promtool, "test", "rules", "alerts.test.yml"], cwd=tmp_path)
    assert result.returncode != 0
    assert "TargetDown" in result.stdout + result.stderr
