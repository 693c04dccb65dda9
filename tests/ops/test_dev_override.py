"""docker-compose.dev.yml on top of the stack, as docker compose sees it: debug logs, reload,
and `develop.watch` syncing the source of every built service of the chosen components."""

from __future__ import annotations

import json

import pytest

from tests.support import registry
from tests.support.answers import LARGEST
from tests.support.processes import compose

DEV_VARIANTS = {
    "largest": LARGEST,
    "api-only": {"worker": False, "ui": "none"},
}


@pytest.mark.parametrize("variant", DEV_VARIANTS)
def test_dev_override(rendered, variant):
    answers = DEV_VARIANTS[variant]
    project = rendered(answers)
    args = [
        "-f",
        "docker-compose.yml",
        "-f",
        "docker-compose.dev.yml",
        "config",
        "--format",
        "json",
    ]
    result = compose(project, *args)
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    # Not the one-shot evaluation job, nor MLflow (its image is MLflow's): no source to sync.
    watched = set(registry.built(answers)) - {"evaluation", "mlflow"}
    assert {name for name, s in services.items() if "develop" in s} == watched
    for name in watched:
        service = services[name]
        assert service["environment"]["LOG_LEVEL"] == "DEBUG", name
        assert service["user"] == "10001", f"{name}: watch needs a numeric user without group"
        assert not service.get("read_only"), f"{name}: watch cannot sync into a read-only root"
        actions = {rule["action"] for rule in service["develop"]["watch"]}
        assert actions & {"sync", "sync+restart"} and "rebuild" in actions, name
    assert "--reload" in services["api"]["command"]
    if "ui" in watched:
        assert "--server.runOnSave=true" in services["ui"]["command"]
