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


def refusal(validator: str, answers: dict[str, Any]) -> str:
    return " ".join(render(validator, answers).split()) if validator else ""


def needed_change(
    questions: dict[str, dict[str, Any]],
    base: dict[str, Any],
    name: str,
    value: Any,
    validator: str,
) -> dict[str, Any]:
    """The one other answer a refused choice needs (e.g. pgvector: database=postgresql)."""
    if not refusal(validator, {**base, name: value}):
        return {}
    for other, spec in questions.items():
        for _, other_value, _ in choices_of(spec) if other != name else []:
            if not refusal(validator, {**base, name: value, other: other_value}):
                return {other: other_value}
    raise ValueError(f"{name}={value} is refused with every other answer")


def generated_files(answers: dict[str, Any]) -> dict[str, str]:
    """Every file Copier would write for `answers` (rendering the template's path names as
    Copier does), mapped to its first conditional folder ("" when none)."""
    answers = {**answers, "_copier_conf": {"answers_file": load_config()["_answers_file"]}}
    found = {}
    for source in TEMPLATE.rglob("*"):
        parts = source.relative_to(TEMPLATE).parts
        if (
            not source.is_file()
            or COPIER_EXCLUDED & set(parts)
            or source.suffix in (".pyc", ".pyo")
        ):
            continue
        shown: list[str] = []
        folder = ""
        for part in parts:
            if "{% yield" in part:  # team components: one per `components` item, none here
                break
            name = render(part, answers) if "{" in part else part
            if part == source.name:
                name = name.removesuffix(SUFFIX)
            if not name:
                break
            shown.append(name)
            if "{" in part and part != source.name and not folder:
                folder = "/".join(shown) + "/"
        else:
            found["/".join(shown)] = folder
    return found


def own_files(files: dict[str, str], others: set[str]) -> list[str]:
    """The files not in `others`, a conditional folder shown once when all its files are."""
    own = {path for path in files if path not in others}
    shown = set()
    for path in own:
        folder = files[path]
        whole = folder and all(p in own for p, f in files.items() if f == folder)
        shown.add(folder if whole else path)
    return sorted(shown)


def question_section(questions: dict[str, dict[str, Any]], name: str) -> str:
    """The question's help and, per choice, the files that exist only with it: every other
    answer keeps its default, except one a choice needs (then compared under that answer)."""
    spec = questions[name]
    base = answers_with(questions, {})
    lines = [f"## `{name}`", "", spec.get("help", "").strip(), ""]
    raw_default = spec.get("default")
    if isinstance(raw_default, str) and "{" in raw_default:
        lines += [f"Default computed from the earlier answers: `{raw_default}`", ""]
    choices = choices_of(spec)
    if not choices:
        lines += [
            f"Free text, default `{base[name]}`. Used in file contents, not in file names.",
            "",
        ]
        return "\n".join(lines)
    lines += ["| choice | value | generates (only with this choice) |", "|---|---|---|"]
    for label, value, validator in choices:
        change = needed_change(questions, base, name, value, validator)
        context = {**base, **change}
        files = generated_files({**context, name: value})
        common = set.intersection(
            *(
                set(generated_files({**context, name: other}))
                for _, other, check in choices
                if not refusal(check, {**context, name: other})
            )
        )
        shown = "`true`" if value is True else "`false`" if value is False else f"`{value}`"
        if value == base[name]:
            shown += " (default)"
        only = ", ".join(f"`{p}`" for p in own_files(files, common)) or "no file of its own"
        if change:
            needs = ", ".join(f"`{k}={v}`" for k, v in change.items())
            only += f"<br>needs {needs}; otherwise refused: *{refusal(validator, {**base, name: value})}*"
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
