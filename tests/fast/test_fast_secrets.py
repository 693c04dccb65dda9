"""Generated secrets are different in every project (never a value baked into the template)."""

from __future__ import annotations

from static_checks import SECRET_NAME, env_values

LARGEST = {"database": "postgresql", "worker": True, "monitoring": True, "reverse_proxy": "nginx"}


def test_two_projects_never_share_a_secret(rendered, render_project):
    first = env_values(rendered(LARGEST) / ".env")
    second = env_values(render_project(**LARGEST) / ".env")
    secrets = [key for key, value in first.items() if SECRET_NAME.search(key) and value]
    assert secrets, "no generated secret found in .env"
    shared = [key for key in secrets if first[key] == second.get(key)]
    assert not shared, f"same value in two generated projects: {shared}"
