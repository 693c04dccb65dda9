"""Kubernetes tier: the manifests of every fast-matrix answer set with kubernetes=true, rendered
with kubectl kustomize and checked against the project's Compose stack. No cluster runs here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1] / "fast")]

from k8skit import Rendering, build, kubectl
from render_matrix import answer_sets


def k8s_answer_sets() -> list[dict[str, Any]]:
    """The fast matrix with kubernetes=true, without duplicates."""
    seen, result = set(), []
    for answers in answer_sets():
        answers = {**answers, "kubernetes": True}
        key = tuple(sorted(answers.items()))
        if key not in seen:
            seen.add(key)
            result.append(answers)
    return result


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
