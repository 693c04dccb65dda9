"""Each check catches a defect planted in good manifests (or in the Compose stack they mirror)."""

from __future__ import annotations

import pytest

from tests.k8s.k8skit import CHECKS, Rendering, main_container, named, planted, workloads

# The largest stack: every component, so every kind of resource is there.
FULL = {
    "database": "postgresql",
    "vector_store": "pgvector",
    "ui": "streamlit",
    "worker": True,
    "reverse_proxy": "nginx",
    "monitoring": True,
    "kubernetes": True,
}


def dev(r: Rendering) -> list[dict]:
    return r.overlays["dev"]


def pod(r: Rendering, name: str) -> dict:
    return dict(workloads(dev(r)))[name]


def api(r: Rendering) -> dict:
    return main_container("api", pod(r, "api"))


def set_in(d: dict, path: list[str], value) -> None:
    for key in path[:-1]:
        d = d[key]
    d[path[-1]] = value


DEFECTS = {
    "schemas": lambda r: set_in(api(r), ["ports", 0, "containerPort"], "8000"),
    "workloads": lambda r: api(r).update(image="my_rag_app-api:other"),
    "security": lambda r: set_in(pod(r, "worker"), ["securityContext", "runAsUser"], 0),
    "memory": lambda r: set_in(api(r), ["resources", "requests", "memory"], "512Mi"),
    "probes": lambda r: set_in(api(r), ["readinessProbe", "httpGet", "path"], "/ready"),
    "ports": lambda r: set_in(
        named(dev(r), "Service", "redis"), ["spec", "ports", 0, "port"], 6380
    ),
    "volumes": lambda r: set_in(
        main_container("db", pod(r, "db")),
        ["volumeMounts", 0, "mountPath"],
        "/var/lib/postgresql/data",
    ),
    "references": lambda r: next(d for d in dev(r) if d["kind"] == "Secret")["data"].pop(
        "REDIS_URL"
    ),
    # The API told the queue's URL as an environment variable again, not as a file.
    "secret-files": lambda r: api(r)["env"].append(
        {
            "name": "REDIS_URL",
            "valueFrom": {"secretKeyRef": {"name": "app-env", "key": "REDIS_URL"}},
        }
    ),
    # The UI joins the internal network: it could reach the database.
    "network": lambda r: set_in(
        named(dev(r), "Deployment", "ui"),
        ["spec", "template", "metadata", "labels", "network/backend"],
        "true",
    ),
    "ingress": lambda r: set_in(
        named(dev(r), "Ingress", "ui")["spec"]["rules"][0]["http"]["paths"][0],
        ["backend", "service", "name"],
        "api",
    ),
}
# The Compose side of a check can drift too: the same checks see it.
COMPOSE_DEFECTS = {
    "workloads": lambda r: r.compose["services"]["worker"]["environment"].update(NEW_SETTING="1"),
    "network": lambda r: r.compose["services"]["db"]["networks"].update(frontend=None),
}


def test_every_check_has_a_defect():
    assert set(DEFECTS) == set(CHECKS)


@pytest.mark.parametrize("check", list(DEFECTS))
def test_check_catches_planted_defect(check, manifests):
    good = manifests(FULL)
    assert not CHECKS[check](good), "the unmodified manifests must pass"
    assert CHECKS[check](planted(good, DEFECTS[check]))


@pytest.mark.parametrize("check", list(COMPOSE_DEFECTS))
def test_check_catches_compose_drift(check, manifests):
    assert CHECKS[check](planted(manifests(FULL), COMPOSE_DEFECTS[check]))


# Team components: one of each kind, names with underscores (Kubernetes names have dashes).
TEAM = {
    **FULL,
    "components": {"search_admin": "service", "nightly_export": "job", "thumbs": "consumer"},
}
TEAM_DEFECTS = {
    "workloads": lambda r: dev(r).remove(named(dev(r), "Job", "nightly-export")),
    "probes": lambda r: set_in(
        main_container("thumbs", pod(r, "thumbs")), ["livenessProbe", "httpGet", "path"], "/"
    ),
    "ports": lambda r: set_in(
        named(dev(r), "Service", "search-admin"), ["spec", "ports", 0, "port"], 8080
    ),
    "ingress": lambda r: dev(r).remove(named(dev(r), "Ingress", "search-admin")),
}


@pytest.mark.parametrize("check", list(TEAM_DEFECTS))
def test_check_catches_planted_team_defect(check, manifests):
    good = manifests(TEAM)
    assert not CHECKS[check](good), "the unmodified manifests must pass"
    assert CHECKS[check](planted(good, TEAM_DEFECTS[check]))
