"""mkdocs hook: the questions page is generated from copier.yml and the template's file names.

`<!-- questions -->` in a page becomes one table per question: its choices, the default, and
the files that exist only with that choice (found by rendering the template's path names, the
way Copier does, with every other answer at its default). The reference can therefore not drift
from the template. The contract pages kept next to mkdocs.yml (architecture, changelog,
releasing) are added to the site from docs/ itself.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, Template
from jinja2.sandbox import SandboxedEnvironment
from mkdocs.structure.files import File, Files

DOCS = Path(__file__).resolve().parent.parent
REPO = DOCS.parent
TEMPLATE = REPO / "template"
MARKER = "<!-- questions -->"
IMAGES_MARKER = "<!-- images -->"
IMAGE_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+_IMAGE):-([^}]+)\}")
COMPOSE_NAME = re.compile(r"docker-compose-([a-z0-9-]+)\.yml")
SUFFIX = ".jinja"
SIBLING_PAGES = ["architecture.md", "changelog.md", "releasing.md"]

JINJA: Environment = SandboxedEnvironment(
    extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"]
)


COPIER_EXCLUDED = {"__pycache__", ".git", ".DS_Store", ".svn"}


@functools.cache
def load_config() -> dict[str, Any]:
    return yaml.safe_load((REPO / "copier.yml").read_text())


def load_questions() -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in load_config().items() if not name.startswith("_")}


def choices_of(spec: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(label, value, validator) of each choice; booleans get yes/no."""
    if spec.get("type") == "bool":
        return [("yes", True, ""), ("no", False, "")]
    raw = spec.get("choices") or []
    items = raw.items() if isinstance(raw, dict) else ((str(v), v) for v in raw)
    result = []
    for label, value in items:
        if isinstance(value, dict):
            result.append((label, value["value"], value.get("validator", "")))
        else:
            result.append((label, value, ""))
    return result


@functools.cache
def compiled(text: str) -> Template:
    return JINJA.from_string(text)


def render(text: str, answers: dict[str, Any]) -> str:
    return compiled(text).render(**answers).strip()


def answers_with(questions: dict[str, dict[str, Any]], fixed: dict[str, Any]) -> dict[str, Any]:
    """Defaults in question order (derived defaults see earlier answers), `fixed` wins."""
    answers: dict[str, Any] = {}
    for name, spec in questions.items():
        default = spec.get("default")
        if isinstance(default, str) and "{" in default:
            default = render(default, answers)
        answers[name] = fixed.get(name, default)
    return answers


def valid_answers(questions: dict[str, dict[str, Any]], name: str, value: Any, validator: str):
    """Answers choosing `value`, changing at most one other answer if the choice needs it."""
    answers = answers_with(questions, {name: value})
    if not validator or not render(validator, answers):
        return answers, ""
    refusal = " ".join(render(validator, answers).split())
    for other, spec in questions.items():
        for _, other_value, _ in choices_of(spec) if other != name else []:
            candidate = answers_with(questions, {name: value, other: other_value})
            if not render(validator, candidate):
                return candidate, refusal
    raise ValueError(f"{name}={value} is refused with every other answer: {refusal}")


def generated_paths(answers: dict[str, Any]) -> set[str]:
    """Paths of the generated project, shown up to the first conditional part of the name."""
    answers = {**answers, "_copier_conf": {"answers_file": load_config()["_answers_file"]}}
    paths = set()
    for source in TEMPLATE.rglob("*"):
        parts = source.relative_to(TEMPLATE).parts
        if (
            not source.is_file()
            or COPIER_EXCLUDED & set(parts)
            or source.suffix in (".pyc", ".pyo")
        ):
            continue
        shown: list[str] = []
        for part in parts:
            name = render(part, answers) if "{" in part else part
            if part == source.name:
                name = name.removesuffix(SUFFIX)
            if not name:
                break
            shown.append(name)
            if "{" in part:
                paths.add("/".join(shown) + ("/" if part != source.name else ""))
                break
        else:
            paths.add("/".join(shown))
    return paths


def question_section(questions: dict[str, dict[str, Any]], name: str) -> str:
    spec = questions[name]
    default = answers_with(questions, {})[name]
    lines = [f"## `{name}`", "", spec.get("help", "").strip(), ""]
    choices = choices_of(spec)
    raw_default = spec.get("default")
    if isinstance(raw_default, str) and "{" in raw_default:
        lines += [f"Default computed from the earlier answers: `{raw_default}`", ""]
    if not choices:
        lines += [f"Free text, default `{default}`. Used in file contents, not in file names.", ""]
        return "\n".join(lines)
    renders = [
        (label, value, *valid_answers(questions, name, value, check))
        for label, value, check in choices
    ]
    path_sets = [generated_paths(answers) for _, _, answers, _ in renders]
    lines += ["| choice | value | generates (only with this choice) |", "|---|---|---|"]
    for index, ((label, value, answers, refusal), paths) in enumerate(
        zip(renders, path_sets, strict=True)
    ):
        others = set().union(*(p for i, p in enumerate(path_sets) if i != index))
        shown = "`true`" if value is True else "`false`" if value is False else f"`{value}`"
        if value == default:
            shown += " (default)"
        only = ", ".join(f"`{p}`" for p in sorted(paths - others)) or "no file of its own"
        if refusal:
            needs = ", ".join(
                f"`{k}={v}`"
                for k, v in answers.items()
                if k != name and v != answers_with(questions, {name: value})[k]
            )
            only += f"<br>needs {needs}; otherwise refused: *{refusal}*"
        lines.append(f"| {label} | {shown} | {only} |")
    lines.append("")
    return "\n".join(lines)


def questions_markdown() -> str:
    questions = load_questions()
    summary = ["| question | type | default | help |", "|---|---|---|---|"]
    defaults = answers_with(questions, {})
    for name, spec in questions.items():
        default = (
            f"`{str(defaults[name]).lower() if spec.get('type') == 'bool' else defaults[name]}`"
        )
        if "{" in str(spec.get("default")):
            default += " (derived)"
        summary.append(
            f"| [`{name}`](#{name}) | {spec.get('type', 'str')} "
            f"| {default} | {spec.get('help', '').strip()} |"
        )
    sections = [question_section(questions, name) for name in questions]
    return "\n".join(summary) + "\n\n" + "\n".join(sections)


def images_markdown() -> str:
    """Every `${X_IMAGE:-default}` of the template's compose files, with the file using it."""
    found: dict[tuple[str, str], set[str]] = {}
    for source in sorted(TEMPLATE.iterdir()):
        match = COMPOSE_NAME.search(source.name)
        if not match:
            continue
        text = source.read_text().replace("{{ python_version }}", "<python_version>")
        for variable, default in IMAGE_VARIABLE.findall(text):
            found.setdefault((variable, default), set()).add(f"`{match.group(0)}`")
    rows = ["| variable | default | set in |", "|---|---|---|"]
    for (variable, default), used_in in sorted(found.items()):
        rows.append(f"| `{variable}` | `{default}` | {', '.join(sorted(used_in))} |")
    return "\n".join(rows)


def on_files(files: Files, config: Any) -> Files:
    for name in SIBLING_PAGES:
        if (DOCS / name).is_file():
            files.append(File(name, str(DOCS), config["site_dir"], config["use_directory_urls"]))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, questions_markdown())
    if IMAGES_MARKER in markdown:
        markdown = markdown.replace(IMAGES_MARKER, images_markdown())
    return markdown
