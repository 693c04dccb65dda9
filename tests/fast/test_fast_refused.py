"""Impossible or malformed answers are refused by `copier copy` with a message saying why."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO as TEMPLATE

COPIER = Path(sys.executable).with_name("copier")

REFUSED = [
    ({"vector_store": "pgvector"}, "pgvector lives inside PostgreSQL: choose database=postgresql"),
    ({"database": "mongodb", "vector_store": "pgvector"}, "pgvector lives inside PostgreSQL"),
    ({"project_slug": "My App"}, '"My App" is not a valid slug'),
    ({"project_slug": "my-app"}, "is not a valid slug"),
    ({"project_slug": "1app"}, "is not a valid slug"),
    ({"project_slug": "a" * 64}, "is not a valid slug"),
    ({"project_slug": "class"}, '"class" is a Python keyword'),
    ({"project_name": "  "}, "The project name cannot be empty"),
    ({"project_name": "!!!"}, '"" is not a valid slug'),
    ({"author_name": ""}, "The author name cannot be empty"),
    ({"description": "two\nlines"}, "The description must be one line"),
    ({"python_version": "3.10"}, "'3.10' is not in ['3.11', '3.12', '3.13']"),
    ({"database": "mysql"}, "Invalid choice for 'database'"),
    ({"vector_store": "milvus"}, "Invalid choice for 'vector_store'"),
    ({"ui": "gradio"}, "Invalid choice for 'ui'"),
    ({"reverse_proxy": "traefik"}, "Invalid choice for 'reverse_proxy'"),
    ({"ci": "jenkins"}, "Invalid choice for 'ci'"),
    ({"object_store": "minio"}, "Invalid choice for 'object_store'"),
    ({"experiment_tracking": "wandb"}, "Invalid choice for 'experiment_tracking'"),
    ({"project_slug": "ab", "object_store": "s3"}, "a bucket name has at least 3 characters"),
]
# components (name -> kind): each refusal says why and, where a name is at fault, suggests one.
TAKEN = "is a folder or make target of the project: choose another name"
REFUSED_COMPONENTS = [
    (["etl"], "components must be a mapping of name to kind, e.g. {etl: job, reports: service}."),
    (
        {"ETL-Daily": "job"},
        (
            '"ETL-Daily" is not a valid component name: start with a lowercase letter, then use only'
            " lowercase letters, digits and underscores (at most 30 characters), e.g. etl_daily."
        ),
    ),
    ({"9lives": "job"}, '"9lives" is not a valid component name: start with a'),
    ({"a" * 31: "job"}, "is not a valid component name"),
    ({"etl": "cron"}, '"etl": unknown kind "cron": choose service, job or consumer.'),
    (
        {"api": "service"},
        (
            '"api" is a built-in component or service of the template: choose another name, e.g.'
            " api_service."
        ),
    ),
    ({"migrate": "job"}, '"migrate" is a built-in component or service of the template'),
    ({"class": "job"}, '"class" is a Python keyword: choose another name, e.g. class_job.'),
    (
        {"logging": "job"},
        (
            '"logging" would hide the Python module logging (src/ comes first on the path): choose'
            " another name, e.g. logging_job."
        ),
    ),
    ({"fastapi": "service"}, '"fastapi" would hide the Python module fastapi'),
    ({"tests": "job"}, f'"tests" {TAKEN}, e.g. tests_job.'),
    ({"backup": "job"}, f'"backup" {TAKEN}, e.g. backup_job.'),
    (
        {"thumbs": "consumer", "mailer": "consumer", "etl": "job"},
        (
            "The consumers mailer, thumbs take jobs from the worker's Redis queue: answer worker=true,"
            " or remove them from components (or change their kind to service or job)."
        ),
    ),
    # Two services whose ports, derived from their names (8100 + md5 % 900), clash.
    (
        {"svc11": "service", "svc15": "service"},
        '"svc11" and "svc15" would publish the same port (8882): rename one, e.g. svc15_2.',
    ),
]
REFUSED += [({"components": names}, message) for names, message in REFUSED_COMPONENTS]
SUGGESTED = re.compile(r"e\.g\. ([a-z0-9_]+)\.$")


@pytest.mark.parametrize(("answers", "message"), REFUSED, ids=[str(a)[:40] for a, _ in REFUSED])
def test_copier_refuses(answers, message, tmp_path, render_project):
    dest = tmp_path / "project"
    with pytest.raises(ValueError, match=re.escape(message)):
        render_project(**answers)
    assert not dest.exists() or not any(dest.iterdir()), "a refused answer left files behind"


def test_cli_prints_the_reason(tmp_path):
    """The command line shows the same message (copier prints it as the last line)."""
    dest = tmp_path / "project"
    cmd = [
        str(COPIER),
        "copy",
        "--defaults",
        "--vcs-ref",
        "HEAD",
        "--data",
        "vector_store=pgvector",
    ]
    proc = subprocess.run(
        [*cmd, str(TEMPLATE), str(dest)], check=False, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode != 0
    assert "pgvector lives inside PostgreSQL" in proc.stderr.strip().splitlines()[-1]


def test_suggested_component_names_are_accepted(render_project):
    """Every name a refusal suggests is valid: all of them render together."""
    suggested = {SUGGESTED.search(m).group(1) for _, m in REFUSED_COMPONENTS if SUGGESTED.search(m)}
    assert len(suggested) >= 7
    components = {name: "job" for name in suggested} | {"svc11": "service", "svc15_2": "service"}
    project = render_project(worker=True, components=components)
    for name in components:
        assert (project / "src" / name).is_dir(), name
