"""Changing answers on `copier update` adds or removes exactly one component."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.update.updating import commit_all, generate, same_except_secrets, tree, update

# component answer -> (off value, on value, files the template creates for it)
COMPONENTS = {
    "monitoring": (
        False,
        True,
        ["docker-compose-monitoring.yml", "docker/monitoring/prometheus.yml"],
    ),
    "worker": (
        False,
        True,
        ["docker-compose-worker.yml", "docker-compose-redis.yml", "src/worker/__main__.py"],
    ),
    "ui": ("none", "streamlit", ["docker-compose-ui.yml", "src/ui/app.py", "docker/ui/Dockerfile"]),
    "batch_processing": (
        "none",
        "spark",
        [
            "docker-compose-spark.yml",
            "src/spark_jobs/corpus_chunks.py",
            "data/corpus/beekeeping.md",
        ],
    ),
}
# the user's own work, which no answer change may touch
USER_IGNORE_LINE = b"notebooks/scratch/\n"


def user_work(project: Path, component_folder: str) -> dict[str, bytes]:
    """Typical user additions: a root file, a file inside the component's folder, a .gitignore line."""
    added = {
        "NOTES.md": b"# Team notes\n",
        f"{component_folder}/team_extra.txt": b"kept by the team\n",
    }
    for relpath, content in added.items():
        (project / relpath).parent.mkdir(parents=True, exist_ok=True)
        (project / relpath).write_bytes(content)
    with (project / ".gitignore").open("ab") as gitignore:
        gitignore.write(USER_IGNORE_LINE)
    commit_all(project, "team work")
    return added


def expected_with_user_work(
    fresh_files: dict[str, bytes], added: dict[str, bytes]
) -> dict[str, bytes]:
    expected = {**fresh_files, **added}
    expected[".gitignore"] = fresh_files[".gitignore"] + USER_IGNORE_LINE
    return expected


def folder_of(component: str) -> str:
    folders = {"monitoring": "docker/monitoring", "batch_processing": "src/spark_jobs"}
    return folders.get(component, f"src/{component}")


@pytest.mark.parametrize("component", COMPONENTS)
def test_turning_a_component_on_adds_exactly_that_component(
    component, template_clone, fresh, tmp_path
):
    off, on, created = COMPONENTS[component]
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag, **{component: off})
    added = user_work(project, folder_of(component))
    env_before = (project / ".env").read_bytes() if (project / ".env").exists() else None

    update(project, **{component: on})

    files = tree(project)
    for relpath in created:
        assert relpath in files, f"turning {component} on did not create {relpath}"
    compose_files = [path for path in created if path.startswith("docker-compose-")]
    for compose_file in compose_files:
        assert f"- {compose_file}".encode() in files["docker-compose.yml"]
    # exactly the component: the same files and contents as a project generated with it
    same_except_secrets(files, expected_with_user_work(fresh(tag, **{component: on}), added))
    if env_before is not None:
        assert files[".env"] == env_before, ".env must never be rewritten by an update"


@pytest.mark.parametrize("component", COMPONENTS)
def test_turning_a_component_off_removes_only_what_the_template_created(
    component, template_clone, fresh, tmp_path
):
    off, on, created = COMPONENTS[component]
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag, **{component: on})
    added = user_work(project, folder_of(component))

    update(project, **{component: off})

    files = tree(project)
    for relpath in created:
        assert relpath not in files, f"turning {component} off left {relpath} behind"
    for compose_file in (path for path in created if path.startswith("docker-compose-")):
        assert compose_file.encode() not in files["docker-compose.yml"]
    # the team's files stay, even inside the removed component's folder
    same_except_secrets(files, expected_with_user_work(fresh(tag, **{component: off}), added))


@pytest.mark.parametrize(("before", "after"), [("faiss", "chroma"), ("chroma", "qdrant")])
def test_switching_the_vector_store_is_supported(before, after, template_clone, fresh, tmp_path):
    """Files swap like any component; data is not migrated (docs/changelog.md says: re-ingest)."""
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag, vector_store=before)

    update(project, vector_store=after)

    same_except_secrets(tree(project), fresh(tag, vector_store=after))


def test_switching_to_pgvector_without_postgresql_is_refused(template_clone, tmp_path):
    tag = template_clone.release("v1.0.0")
    project = generate(template_clone, tmp_path / "project", tag, database="none")
    before = tree(project)

    with pytest.raises(ValueError, match="choose database=postgresql"):
        update(project, vector_store="pgvector")

    assert tree(project) == before, "a refused update must leave the project untouched"
