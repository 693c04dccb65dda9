"""The Compose files: valid for the real Compose parser alone and with their overrides, one file
per service, exactly the services the registry names, the conventions of docs/architecture.md,
and compose-lint."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from tests.fast.checks.common import (
    MAIN_COMPOSE,
    Defects,
    assert_catches,
    compose_files,
    load_yaml,
    only_include,
    recorded_answers,
    write,
)
from tests.support import registry
from tests.support.answers import Answers
from tests.support.processes import compose, output, run, tool

IMAGE_FROM_VARIABLE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*_IMAGE:-[^}]+\}$")
# BIND_ADDRESS decides, or 127.0.0.1 always (a service without authentication, e.g. MLflow).
BOUND_PORT = re.compile(r"^(\$\{BIND_ADDRESS:-127\.0\.0\.1\}|127\.0\.0\.1):")


def compose_overrides(project: Path) -> list[Path]:
    """Override files used on top of the global one (docker-compose.<purpose>.yml)."""
    return sorted(project.glob("docker-compose.*.yml"))


def check_compose_config(project: Path, answers: Answers) -> list[str]:
    """Each file alone, and each override file on top of the global one."""
    compose = tool("docker-compose")
    if not (project / MAIN_COMPOSE).is_file():
        return [f"{MAIN_COMPOSE} missing"]
    stacks = [[p.name] for p in compose_files(project)]
    stacks += [[MAIN_COMPOSE, p.name] for p in compose_overrides(project)]
    problems = []
    for stack in stacks:
        args = [arg for name in stack for arg in ("-f", name)]
        result = run([compose, *args, "config", "-q"], cwd=project)
        if result.returncode:
            problems.append(
                f"docker compose {' '.join(args)} config -q: exit {result.returncode}\n"
                f"{output(result)}"
            )
    return problems


def check_compose_structure(project: Path, answers: Answers) -> list[str]:
    """Each service is defined in one file only (compose merges duplicates silently), the global
    file only includes, and every component file is reachable from it."""
    problems = []
    defined: dict[str, list[str]] = defaultdict(list)
    includes: dict[str, list[str]] = {}
    for path in compose_files(project):
        doc = load_yaml(path)[0] or {}
        for service in doc.get("services") or {}:
            defined[service].append(path.name)
        entries = doc.get("include") or []
        includes[path.name] = [e if isinstance(e, str) else e["path"] for e in entries]
        for target in includes[path.name]:
            if not (project / target).is_file():
                problems.append(f"{path.name} includes {target}, which was not rendered")
    problems += [
        f"service {name!r} defined in several files: {', '.join(where)}"
        for name, where in defined.items()
        if len(where) > 1
    ]
    if MAIN_COMPOSE not in includes:
        return [*problems, f"{MAIN_COMPOSE} missing"]
    if set(load_yaml(project / MAIN_COMPOSE)[0]) - {"name", "include"}:
        problems.append(f"{MAIN_COMPOSE} must only have name and include")
    reachable, todo = set(), [MAIN_COMPOSE]
    while todo:
        current = todo.pop()
        if current not in reachable:
            reachable.add(current)
            todo += includes.get(current, [])
    problems += [
        f"{name} is not included from {MAIN_COMPOSE}" for name in set(includes) - reachable
    ]
    return problems


def first_network(networks: list | dict) -> str:
    """The network Compose attaches first, whose address the hostname resolves to."""
    if isinstance(networks, list):
        return ""  # equal priorities: random order
    priority = {name: (spec or {}).get("priority", 0) for name, spec in networks.items()}
    ranked = sorted(priority.values(), reverse=True)
    return max(priority, key=priority.get) if ranked[0] > ranked[1] else ""


def check_compose_conventions(project: Path, answers: Answers) -> list[str]:
    """docs/architecture.md: third-party images overridable from .env, built images never
    pulled, published ports on BIND_ADDRESS, backend first on a service with several networks
    (override files only adjust these services)."""
    problems = []
    for path in compose_files(project):
        for name, service in ((load_yaml(path)[0] or {}).get("services") or {}).items():
            where = f"{path.name}: service {name}"
            if "build" in service:
                if service.get("pull_policy") != "build":
                    problems.append(f"{where} is built but lacks pull_policy: build")
            elif not IMAGE_FROM_VARIABLE.match(str(service.get("image", ""))):
                problems.append(f"{where}: image {service.get('image')!r} is not ${{X_IMAGE:-...}}")
            networks = service.get("networks") or []
            if len(networks) > 1 and first_network(networks) != "backend":
                problems.append(f"{where}: on {len(networks)} networks, backend not first")
            for port in service.get("ports") or []:
                published = f"{port.get('host_ip', '')}:" if isinstance(port, dict) else str(port)
                if not BOUND_PORT.match(published):
                    problems.append(f"{where}: port {port!r} not bound to ${{BIND_ADDRESS:-...}}")
    return problems


def check_services_are_the_registry_s(project: Path, answers: Answers) -> list[str]:
    """The services Compose sees (every profile) are those of the chosen components."""
    result = compose(project, "--profile", "*", "config", "--services")
    if result.returncode:
        return [f"docker compose config --services: exit {result.returncode}\n{output(result)}"]
    found = set(result.stdout.split())
    expected = registry.services(recorded_answers(project))
    return [f"service {s!r} is not in the registry" for s in sorted(found - expected)] + [
        f"service {s!r} of the registry is missing" for s in sorted(expected - found)
    ]


LINT_CONFIG = str(Path(__file__).with_name("compose-lint.yml"))


def check_compose_lint(project: Path, answers: Answers) -> list[str]:
    if not (project / MAIN_COMPOSE).is_file():
        return [f"{MAIN_COMPOSE} missing"]
    # It follows include:. Each file the global one includes is linted with what it includes:
    # the global file at once opens more files than compose-lint allows (64) in large stacks.
    included = yaml.safe_load((project / MAIN_COMPOSE).read_text()).get("include") or [MAIN_COMPOSE]
    cmd = [tool("compose-lint"), "check", "--fail-on", "high", "-q", "--config", LINT_CONFIG]
    cmd += included
    result = run(cmd, cwd=project)
    return (
        [f"compose-lint (exit {result.returncode}):\n{output(result)}"] if result.returncode else []
    )


def one_bad_file(text: str):
    def plant(project: Path) -> None:
        write(project, "docker-compose-bad.yml", text)
        only_include(project, "docker-compose-bad.yml")

    return plant


def duplicate_service(project: Path) -> None:
    for n in (1, 2):
        write(project, f"docker-compose-c{n}.yml", "services:\n  twin:\n    image: x:1\n")
    only_include(project, "docker-compose-c1.yml", "docker-compose-c2.yml")


DEFECTS: Defects = {
    check_compose_config: (
        one_bad_file("services:\n  bad:\n    image: x\n    colour: red\n"),
        "colour",
    ),
    check_compose_structure: (duplicate_service, "service 'twin' defined in several files"),
    check_compose_conventions: (
        lambda p: write(p, "docker-compose-x.yml", "services:\n  x:\n    image: postgres:18\n"),
        "image 'postgres:18' is not",
    ),
    check_services_are_the_registry_s: (
        one_bad_file("services:\n  extra:\n    image: x:1\n"),
        "service 'extra' is not in the registry",
    ),
    check_compose_lint: (
        one_bad_file("services:\n  bad:\n    image: x:1\n    privileged: true\n"),
        "CL-0002",
    ),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)
