"""The generated Makefile, run by GNU make: `make help`, a dry run of every target, the
argument checks, and the services and volumes it names against the compose model."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.ops.opskit import MONITORING_VARIANTS, compose_config
from tests.support import registry
from tests.support.processes import run

# The monitoring variants, plus the answers without monitoring.
MAKE_VARIANTS: dict[str, dict[str, Any]] = MONITORING_VARIANTS | {
    "defaults": {},
    "postgresql-plain": {"database": "postgresql", "ui": "none", "ci": "gitlab"},
    "mongodb-worker-plain": {"database": "mongodb", "worker": True, "vector_store": "chroma"},
}
VARIANTS = pytest.mark.parametrize("variant", MAKE_VARIANTS)
EVERYWHERE = {
    "help", "up", "down", "build", "logs", "ps", "status", "health", "shell-%", "ingest", "smoke",
    "backup", "restore", "clean", "install", "dev", "test", "lint", "format", "watch", "env",
    "update", "check-update", "evaluate", "reindex", "api-key", "secrets",
}  # fmt: skip


def project(rendered, variant: str) -> Path:
    return rendered(MAKE_VARIANTS[variant])


def answers(variant: str) -> dict[str, Any]:
    return registry.resolve(MAKE_VARIANTS[variant])


def make(project: Path, *args: str) -> tuple[int, str]:
    result = run(["make", "--no-print-directory", *args], cwd=project)
    return result.returncode, result.stdout + result.stderr


def help_targets(project: Path) -> dict[str, str]:
    code, out = make(project, "help")
    assert code == 0, out
    return dict(re.findall(r"^  (\S+)\s+(.+)$", out, re.MULTILINE))


def expected_targets(variant: str) -> set[str]:
    chosen = answers(variant)
    expected = set(EVERYWHERE)
    if chosen["database"] != "none":
        expected.add("db-shell")
    if chosen["database"] == "postgresql":
        expected.add("migrate")
    if chosen["monitoring"]:
        expected.add("monitoring-up")
    if chosen.get("object_store") == "s3":
        expected.add("backup-bucket")
    return expected


@VARIANTS
def test_help_lists_the_targets_of_the_chosen_components(rendered, variant):
    targets = help_targets(project(rendered, variant))
    assert set(targets) == expected_targets(variant)
    assert all(description.strip() for description in targets.values())


@VARIANTS
def test_every_target_dry_runs(rendered, variant):
    folder = project(rendered, variant)
    for target in help_targets(folder):
        args = [target.replace("%", "api")]
        if target == "ingest":
            args.append("FILE=README.md")
        code, out = make(folder, "-n", *args)
        assert code == 0, f"make -n {' '.join(args)}:\n{out}"


def test_ingest_without_a_file_says_how(rendered):
    code, out = make(project(rendered, "defaults"), "ingest")
    assert code == 2 and "usage: make ingest FILE=" in out


def test_restore_without_a_backup_says_so(rendered):
    code, out = make(project(rendered, "defaults"), "restore")
    assert code == 2 and "no backup found" in out


def test_restore_takes_the_newest_backup(rendered):
    folder = project(rendered, "postgresql-plain")
    for name in ("20240101-000000", "20250101-000000"):
        (folder / "backups" / name).mkdir(parents=True, exist_ok=True)
    code, out = make(folder, "-n", "restore")
    assert code == 0, out
    assert "/backups/20250101-000000:/backup" in out
    assert "20240101" not in out


@VARIANTS
def test_dev_runs_the_app_natively_with_reload(rendered, variant):
    code, out = make(project(rendered, variant), "-n", "dev")
    assert code == 0, out
    assert "PYTHONPATH=src" in out and "uvicorn api.main:app --reload" in out
    assert ("streamlit run src/ui/app.py" in out) == (answers(variant)["ui"] == "streamlit")


def make_variable(project: Path, name: str) -> str:
    code, out = make(project, "--eval", "print-%: ; @echo $($*)", f"print-{name}")
    assert code == 0, out
    return out.strip()


@VARIANTS
def test_backup_covers_the_data_volumes_of_the_compose_model(rendered, variant):
    """Each service:path the backup archives is a named volume mounted there, and every named
    volume of the database and vector store is archived."""
    folder = project(rendered, variant)
    archived = {tuple(item.split(":", 1)) for item in make_variable(folder, "DATA_VOLUMES").split()}
    assert archived, "nothing to back up"
    services = compose_config(folder)["services"]
    mounted = {
        (name, volume["target"])
        for name, service in services.items()
        for volume in service.get("volumes", [])
        if volume["type"] == "volume"
    }
    assert archived <= mounted, f"not a named volume mount: {archived - mounted}"
    data_services = {"db", "vectordb"} & set(services)
    assert {s for s, _ in archived} >= data_services


@VARIANTS
def test_services_named_by_targets_exist(rendered, variant):
    folder = project(rendered, variant)
    services = set(compose_config(folder, "monitoring")["services"])
    for target, service in (("db-shell", "db"), ("migrate", "migrate")):
        if target in help_targets(folder):
            assert service in services, f"make {target} needs the service {service}"
