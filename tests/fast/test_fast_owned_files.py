"""Each answer value creates exactly the files copier.yml's registry says it owns.

For every closed question, a render with one value is compared with a render with each other
value: the files only the first has must be those claimed by a registry entry turned on by the
first and off in the other (a chosen component's docker-compose-<name>.yml, docker/<name>/,
src/<name>/, tests/<name>/ and `paths`; a chosen `owners` path), each named after its component
or listed in the registry; and no file is named after a value that is not chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from tests.fast.matrix import one_at_a_time
from tests.support import REPO
from tests.support.registry import options
from tests.support.rendering import render as render_template
from tests.support.rendering import snapshot

Render = Callable[[dict[str, Any]], Path]
ANSIBLE_FILTERS = "jinja2_ansible_filters.AnsibleCoreFiltersExtension"


Entry = tuple[str, bool, bool]  # owner (component or "owners"), listed by path, chosen


def registry(project: Path, copier_yml: Path) -> dict[str, Entry]:
    """Path pattern -> its registry entry, evaluated with the project's answers.

    Reads the computed `stack`, `owners` and `secrets` (each a file of .secrets/) of
    copier.yml, as Copier evaluates them.
    """
    questions = yaml.safe_load(copier_yml.read_text())
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    # Copier's filters (e.g. hash), and each computed value seeing the ones before it.
    evaluate = SandboxedEnvironment(extensions=[ANSIBLE_FILTERS]).from_string
    context = dict(answers)
    for name in ("team", "stack", "owners", "secrets"):
        context[name] = yaml.safe_load(evaluate(questions[name]["default"]).render(context))
    stack, owners = context["stack"], context["owners"]
    entries = {path: ("owners", True, chosen) for path, chosen in owners.items()}
    entries |= {f".secrets/{name}": ("secrets", True, True) for name in context["secrets"]}
    for name, component in stack.items():
        chosen = component["chosen"]
        derived = (
            "docker/{}",
            "src/{}",
            "tests/{}",
            "docker-compose-{}.yml",
            "deploy/kubernetes/base/{}.yaml",
        )
        for pattern in derived:
            entries[pattern.format(name)] = (name, False, chosen)
        entries.update(dict.fromkeys(component["paths"], (name, True, chosen)))
    return entries


def patterns(relpath: str, entries: dict[str, Entry]) -> list[str]:
    """The patterns that match relpath (a folder's pattern matches its files), most specific
    first: a file can have two owners (a component's Kubernetes manifest, and `deploy`)."""
    matching = [p for p in entries if relpath == p or relpath.startswith(p.rstrip("/") + "/")]
    return sorted(matching, key=len, reverse=True)


def files(project: Path) -> set[str]:
    return {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}


def alone(option: str, value: Any) -> dict[str, Any]:
    """The fast matrix's answer set of this value alone (with what it requires)."""
    return next(a for a in one_at_a_time() if next(iter(a.items())) == (option, value))


def turned_on(pattern: str | None, mine: dict[str, Entry], theirs: dict[str, Entry]) -> bool:
    """Is this registry entry chosen in mine and not in theirs?"""
    return bool(pattern) and mine[pattern][2] and not theirs.get(pattern, ("", False, False))[2]


def ownership_problems(option: str, value: Any, render: Render, copier_yml: Path) -> list[str]:
    """What contradicts the registry when option=value is compared with each other value."""
    mine = render(alone(option, value))
    my_files, my_entries = files(mine), registry(mine, copier_yml)
    names = [v for v in options()[option] if isinstance(v, str) and v != "none"]
    problems = [f"{f} is named after {option}={v}, not chosen"
                for f in sorted(my_files) for v in names if v != value and v in f]  # fmt: skip
    for other in options()[option]:
        if other == value:
            continue
        theirs = render(alone(option, other))
        their_entries = registry(theirs, copier_yml)
        added = my_files - files(theirs)
        owner = {
            f: next(p for p in patterns(f, my_entries) if turned_on(p, my_entries, their_entries))
            for f in my_files
            if any(turned_on(p, my_entries, their_entries) for p in patterns(f, my_entries))
        }
        owned = set(owner)
        versus = f"{option}={value} vs {other}"
        problems += [f"{versus}: {f} added, owned by no registry entry" for f in added - owned]
        problems += [f"{versus}: {f} owned, but rendered without it" for f in owned - added]
        for relpath in sorted(added & owned):
            who, listed, _ = my_entries[owner[relpath]]
            if not (listed or who in relpath or str(value) in relpath):
                problems.append(f"{versus}: {relpath} is not named after {who} or {value}")
        for pattern, (_, listed, _) in my_entries.items():
            if (
                listed
                and turned_on(pattern, my_entries, their_entries)
                and not any(f.startswith(pattern) for f in my_files)
            ):
                problems.append(f"{versus}: the registry lists {pattern}, which is not rendered")
    return sorted(problems)


VALUES = [(option, value) for option, values in options().items() for value in values]


@pytest.mark.parametrize(("option", "value"), VALUES, ids=[f"{o}={v}" for o, v in VALUES])
def test_a_value_creates_the_files_the_registry_gives_it(option, value, rendered):
    problems = ownership_problems(option, value, rendered, REPO / "copier.yml")
    assert not problems, "\n".join(problems)


GONE = "    src/core/stores/gone.py: {{ vector_store == 'faiss' }}\n"
PLANTED = {  # copier.yml text -> replacement, the value to check, what must be reported
    "a folder dropped from _exclude": (
        "src/{{ name }}\\n", "", ("worker", True), "src/worker/__init__.py owned, but rendered"),
    "an owners entry removed": (
        "    src/core/stores/chroma.py: {{ vector_store == 'chroma' }}\n", "",
        ("vector_store", "faiss"), "src/core/stores/chroma.py is named after vector_store=chroma"),
    "a registry path that does not exist": (
        "    src/core/stores/faiss.py:", GONE + "    src/core/stores/faiss.py:",
        ("vector_store", "faiss"), "lists src/core/stores/gone.py"),
}  # fmt: skip


@pytest.mark.parametrize("defect", list(PLANTED))
def test_a_planted_registry_defect_is_caught(defect, tmp_path):
    text, replacement, (option, value), reported = PLANTED[defect]
    template = snapshot(tmp_path / "template")
    copier_yml = template / "copier.yml"
    assert text in copier_yml.read_text(), f"copier.yml has no {text!r}: update this defect"
    copier_yml.write_text(copier_yml.read_text().replace(text, replacement, 1))
    renders: dict[str, Path] = {}

    def render(answers: dict[str, Any]) -> Path:
        key = repr(answers)
        if key not in renders:
            renders[key] = tmp_path / f"render{len(renders)}"
            render_template(renders[key], answers, template, vcs_ref=None)
        return renders[key]

    problems = ownership_problems(option, value, render, copier_yml)
    assert any(reported in problem for problem in problems), "\n".join(problems)
