"""docker-compose-monitoring.yml as `docker compose config` sees it (no engine needed): the
profile, networks, the one published port, secrets from .secrets/ and the compose conventions."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.ops.opskit import MONITORING_VARIANTS, compose_config
from tests.support import registry

VARIANTS = pytest.mark.parametrize("variant", MONITORING_VARIANTS)


def monitoring_services(variant: str) -> set[str]:
    return set(registry.stack(MONITORING_VARIANTS[variant])["monitoring"]["services"])


@VARIANTS
def test_monitoring_only_with_its_profile(rendered, variant):
    project = rendered(MONITORING_VARIANTS[variant])
    without = set(compose_config(project)["services"])
    with_profile = compose_config(project, "monitoring")["services"]
    assert not without & monitoring_services(variant)
    assert set(with_profile) - without == monitoring_services(variant)
    for name in monitoring_services(variant):
        assert with_profile[name]["profiles"] == ["monitoring"], name


@VARIANTS
def test_networks_and_the_one_published_port(rendered, variant):
    model = compose_config(rendered(MONITORING_VARIANTS[variant]), "monitoring")
    assert model["networks"]["backend"]["internal"] is True
    for name in monitoring_services(variant):
        service = model["services"][name]
        networks = set(service["networks"])
        if name == "grafana":
            assert networks == {"backend", "frontend"}
            [port] = service["ports"]
            assert (port["host_ip"], port["target"], port["published"]) == (
                "127.0.0.1",
                3000,
                "3000",
            )
        else:
            assert networks == {"backend"}, name
            assert not service.get("ports"), f"{name} publishes a port"


@VARIANTS
def test_scrape_targets_are_services(rendered, variant):
    project = rendered(MONITORING_VARIANTS[variant])
    services = set(compose_config(project, "monitoring")["services"])
    config = yaml.safe_load((project / "docker/monitoring/prometheus.yml").read_text())
    hosts = {
        target.split(":")[0]
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
    }
    assert hosts - {"localhost"} <= services


@VARIANTS
def test_grafana_secured_by_the_projects_password(rendered, variant):
    project = rendered(MONITORING_VARIANTS[variant])
    grafana = compose_config(project, "monitoring")["services"]["grafana"]
    environment = grafana["environment"]
    assert environment["GF_AUTH_ANONYMOUS_ENABLED"] == "false"
    assert environment["GF_USERS_ALLOW_SIGN_UP"] == "false"
    assert len((project / ".secrets" / "grafana_admin_password").read_text()) >= 16
    # The password reaches Grafana as a file (a Compose secret), not as a variable.
    assert "GF_SECURITY_ADMIN_PASSWORD" not in environment
    secret = environment["GF_SECURITY_ADMIN_PASSWORD__FILE"].removeprefix("/run/secrets/")
    assert secret in grafana["secrets"][0]["source"]
    source = compose_config(project, "monitoring")["secrets"][secret]
    assert source["file"] == str(project / ".secrets" / "grafana_admin_password")


def test_a_missing_grafana_password_stops_make_monitoring_up(rendered, tmp_path):
    """Compose only warns about a missing secret file: `make` names it, and `make env`."""
    project = shutil.copytree(rendered(MONITORING_VARIANTS["none"]), tmp_path / "project")
    (project / ".secrets" / "grafana_admin_password").unlink()
    result = subprocess.run(
        ["make", "-s", "secrets"], cwd=project, check=False, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Missing: .secrets/grafana_admin_password (make env" in result.stderr


@VARIANTS
def test_compose_conventions(rendered, variant):
    project = rendered(MONITORING_VARIANTS[variant])
    services = compose_config(project, "monitoring")["services"]
    for name in monitoring_services(variant):
        service = services[name]
        assert service["restart"] == "unless-stopped", name
        assert "no-new-privileges:true" in service["security_opt"], name
        assert service["cap_drop"] == ["ALL"], name
        assert service["deploy"]["resources"]["limits"]["memory"], name
        assert service["logging"]["options"]["max-size"], name
        assert service["image"].startswith(
            ("prom/", "grafana/", "quay.io/", "percona/", "oliver006/")
        )
        for mount in service.get("volumes", []):
            if mount["type"] == "bind":
                assert mount["read_only"], f"{name}: {mount['source']} is writable"
                assert Path(mount["source"]).exists(), f"{name}: {mount['source']} missing"
        test = " ".join(service.get("healthcheck", {}).get("test", []))
        expected = {"prometheus": "promtool check ready", "grafana": "curl"}.get(name)
        assert (expected in test) if expected else not test, f"{name}: healthcheck {test!r}"
