"""Kubernetes tier: the manifests of every fast-matrix answer set with kubernetes=true, rendered
with kubectl kustomize and checked against the project's Compose stack. No cluster runs here."""

from __future__ import annotations

from typing import Any

import pytest

from tests.k8s.k8skit import Rendering, build, kubectl


@pytest.fixture(scope="session", autouse=True)
def kubectl_present() -> None:
    try:
        kubectl()
    except FileNotFoundError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def manifests(rendered, tmp_path_factory: pytest.TempPathFactory):
    """manifests(answers) -> Rendering, built once per answer set and session."""
    cache: dict[str, Rendering] = {}

    def get(answers: dict[str, Any]) -> Rendering:
        key = repr(sorted(answers.items()))
        if key not in cache:
            cache[key] = build(rendered(answers), tmp_path_factory.mktemp("k8s"))
        return cache[key]

    return get
