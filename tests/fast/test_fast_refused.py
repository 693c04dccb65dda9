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
