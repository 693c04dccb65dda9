"""copier.yml read the way Copier reads it: the answers with their defaults, the computed
registry (`stack`, `owners`, `pins`) and the files a render writes (the rendered `_exclude`).

Copier's own Worker does the work (its question loop, Jinja environment and exclude matcher),
on a copy of copier.yml alone, so nothing is cloned or rendered. Copier is pinned (9.19.1) in
pyproject.toml: the private names used here are checked by the fast tier on every run.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from copier._jinja_ext import get_yield_context
from copier._main import Worker, _operation

from tests.support import REPO
from tests.support.answers import Answers, key

COPIER_YML = REPO / "copier.yml"
TEMPLATE = REPO / "template"


@functools.cache
def config() -> dict[str, Any]:
    return yaml.safe_load(COPIER_YML.read_text())


def questions() -> dict[str, dict[str, Any]]:
    """The questions a user answers, in the order they are asked (computed values left out)."""
    return {
        name: spec
        for name, spec in config().items()
        if not name.startswith("_") and spec.get("when") is not False
    }


def options() -> dict[str, list[Any]]:
    """Every closed question -> its possible values, in file order."""
    result: dict[str, list[Any]] = {}
    for name, spec in questions().items():
        if spec.get("type") == "bool":
            result[name] = [True, False]
        elif choices := spec.get("choices"):
            values = choices.values() if isinstance(choices, dict) else choices
            result[name] = [v["value"] if isinstance(v, dict) else v for v in values]
    return result


@functools.cache
def _config_only() -> Path:
    """A folder holding a copy of copier.yml: Copier reads it without a git clone."""
    folder = Path(tempfile.mkdtemp(prefix="stackyard-registry-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    shutil.copy(COPIER_YML, folder / "copier.yml")
    return folder


def _worker(answers: Answers) -> Worker:
    folder = _config_only()
    return Worker(
        src_path=str(folder), dst_path=folder / "project", data=answers, defaults=True,
        quiet=True, unsafe=False,
    )  # fmt: skip


@functools.cache
def _shared() -> tuple[Any, Any]:
    """The parsed template and a Jinja environment compiling each string once: shared by every
    Worker here (Copier builds both per Worker and compiles each default on every use)."""
    worker = _worker({})
    env = worker.jinja_env
    compile_once = functools.lru_cache(maxsize=None)(env.from_string)

    def from_string(source: str) -> Any:
        # Copier resets the {% yield %} context when it compiles; a cached string is not
        # compiled again.
        get_yield_context(env).yield_name = get_yield_context(env).yield_iterable = None
        return compile_once(source)

    env.from_string = from_string
    return worker.template, env


class _Asked:
    """A Copier Worker after its question loop (--defaults), inside a `copy` operation."""

    def __init__(self, answers: Answers) -> None:
        self.worker = _worker(answers)
        self.worker.template, self.worker.jinja_env = _shared()  # cached properties
        token = _operation.set("copy")
        try:
            self.worker._ask()
            self.answers = dict(self.worker.answers.combined)
            self.excluded = self.worker.match_exclude
            self.suffix = self.worker.template.templates_suffix
        finally:
            _operation.reset(token)


_asked_cache: dict[str, _Asked | ValueError] = {}


def _asked(answers: Answers) -> _Asked:
    """Once per answer set; answers Copier refuses raise its ValueError every time."""
    if key(answers) not in _asked_cache:
        try:
            _asked_cache[key(answers)] = _Asked(answers)
        except ValueError as error:
            _asked_cache[key(answers)] = error
    asked = _asked_cache[key(answers)]
    if isinstance(asked, ValueError):
        raise asked
    return asked


def resolve(answers: Answers) -> Answers:
    """Every answer (copier.yml's defaults for those not given) and the computed values."""
    return dict(_asked(answers).answers)


def stack(answers: Answers) -> dict[str, dict[str, Any]]:
    """Component name -> its registry entry (chosen, title, services, build, images...)."""
    return resolve(answers)["stack"]


def owners(answers: Answers) -> dict[str, bool]:
    return resolve(answers)["owners"]


def pins(answers: Answers) -> dict[str, Any]:
    return resolve(answers)["pins"]


def chosen(answers: Answers) -> list[str]:
    """The chosen components, in registry order."""
    return [name for name, entry in stack(answers).items() if entry["chosen"]]


def services(answers: Answers) -> set[str]:
    """Every Compose service of the chosen components (monitoring's included)."""
    return {s for name in chosen(answers) for s in stack(answers)[name]["services"]}


def built(answers: Answers) -> list[str]:
    """The chosen components whose image the project builds, in registry order."""
    return [name for name in chosen(answers) if stack(answers)[name].get("build")]


def component_paths(name: str, entry: dict[str, Any]) -> list[str]:
    """The paths a component owns (folders end with /)."""
    return [
        f"docker-compose-{name}.yml", f"docker/{name}/", f"src/{name}/", f"tests/{name}/",
        *entry["paths"],
    ]  # fmt: skip


def generated_files(answers: Answers) -> set[str]:
    """Every file `copier copy` writes for these answers (paths relative to the project)."""
    if key(answers) not in _files_cache:
        _files_cache[key(answers)] = _generated_files(_asked(answers))
    return set(_files_cache[key(answers)])


_files_cache: dict[str, frozenset[str]] = {}


def _generated_files(asked: _Asked) -> frozenset[str]:
    found = set()
    token = _operation.set("copy")
    try:
        for source in TEMPLATE.rglob("*"):
            if not source.is_file():
                continue
            relpath = source.relative_to(TEMPLATE).as_posix().removesuffix(asked.suffix)
            # Copier's own path rendering: a {% yield %} part gives one path per item.
            for path, _ in asked.worker._render_parts(Path(relpath).parts, is_template=True):
                if not asked.excluded(path):
                    found.add(path.as_posix())
    finally:
        _operation.reset(token)
    return frozenset(found)
