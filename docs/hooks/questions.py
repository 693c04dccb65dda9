"""mkdocs hook: the questions page is generated from copier.yml and its registry.

`<!-- questions -->` in a page becomes one table per question: its choices, the default, and
the files that exist only with that choice (the files Copier writes, from the registry reader
of tests.support, with every other answer at its default). `<!-- images -->` becomes the table
of image variables (the registry's pins). The reference can therefore not drift from the
template. The contract pages kept next to mkdocs.yml (architecture, changelog, releasing) are
added to the site from docs/ itself. Build from the repository root with
`python -m mkdocs build -f docs/mkdocs.yml` (tests.support must be importable).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from tests.support import registry
from tests.support.answers import EVERY_SERVICE, Answers

DOCS = Path(__file__).resolve().parent.parent
MARKER = "<!-- questions -->"
IMAGES_MARKER = "<!-- images -->"
SIBLING_PAGES = ["architecture.md", "changelog.md", "releasing.md"]


def choices_of(spec: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) of each choice; booleans get yes/no."""
    if spec.get("type") == "bool":
        return [("yes", True), ("no", False)]
    raw = spec.get("choices") or []
    items = raw.items() if isinstance(raw, dict) else ((str(v), v) for v in raw)
    return [(label, value["value"] if isinstance(value, dict) else value) for label, value in items]


def refusal(answers: Answers) -> str:
    """Why Copier refuses these answers ("" when it accepts them)."""
    try:
        registry.resolve(answers)
    except ValueError as error:
        return " ".join(str(error).split())
    return ""


def needed_change(name: str, value: Any) -> Answers:
    """The one other answer a refused choice needs (e.g. pgvector: database=postgresql)."""
    if not refusal({name: value}):
        return {}
    for other, values in registry.options().items():
        for other_value in values if other != name else []:
            if not refusal({name: value, other: other_value}):
                return {other: other_value}
    raise ValueError(f"{name}={value} is refused with every other answer")


def own_files(files: set[str], others: set[str]) -> list[str]:
    """The files not in `others`; a folder is shown once when none of its files is in others."""
    own = files - others
    shown = set()
    for path in own:
        parts = path.split("/")
        folders = ("/".join(parts[:n]) + "/" for n in range(1, len(parts)))
        whole = (f for f in folders if not any(p.startswith(f) for p in files & others))
        shown.add(next(whole, path))
    return sorted(shown)


def question_section(name: str) -> str:
    """The question's help and, per choice, the files that exist only with it: every other
    answer keeps its default, except one a choice needs (then compared under that answer)."""
    spec = registry.questions()[name]
    default = registry.resolve({})[name]
    lines = [f"## `{name}`", "", spec.get("help", "").strip(), ""]
    raw_default = spec.get("default")
    if isinstance(raw_default, str) and "{" in raw_default:
        lines += [f"Default computed from the earlier answers: `{raw_default}`", ""]
    choices = choices_of(spec)
    if spec.get("type") == "yaml":  # components: its files are yielded, one set per item
        lines += [f"YAML, default `{default}`.", ""]
        return "\n".join(lines)
    if not choices:
        lines += [f"Free text, default `{default}`. Used in file contents, not in file names.", ""]
        return "\n".join(lines)
    lines += ["| choice | value | generates (only with this choice) |", "|---|---|---|"]
    for label, value in choices:
        change = needed_change(name, value)
        files = registry.generated_files({**change, name: value})
        common = set.intersection(
            *(
                registry.generated_files({**change, name: other})
                for _, other in choices
                if not refusal({**change, name: other})
            )
        )
        shown = "`true`" if value is True else "`false`" if value is False else f"`{value}`"
        if value == default:
            shown += " (default)"
        only = ", ".join(f"`{p}`" for p in own_files(files, common)) or "no file of its own"
        if change:
            needs = ", ".join(f"`{k}={v}`" for k, v in change.items())
            only += f"<br>needs {needs}; otherwise refused: *{refusal({name: value})}*"
        lines.append(f"| {label} | {shown} | {only} |")
    lines.append("")
    return "\n".join(lines)


def questions_markdown() -> str:
    questions = registry.questions()
    summary = ["| question | type | default | help |", "|---|---|---|---|"]
    defaults = registry.resolve({})
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
    sections = [question_section(name) for name in questions]
    return "\n".join(summary) + "\n\n" + "\n".join(sections)


def images_markdown() -> str:
    """Every image variable of the registry's pins, its default and the component files using
    it (third-party images of a component; the Python base image of every built one)."""
    versions = registry.options()["python_version"]
    by_version = [registry.pins({"python_version": v})["images"] for v in versions]
    used_in: dict[str, set[str]] = {}
    for answers in EVERY_SERVICE:
        for name, entry in registry.stack(answers).items():
            variables = [*entry["images"], *(["PYTHON_IMAGE"] if entry.get("build") else [])]
            for variable in variables:
                used_in.setdefault(variable, set()).add(f"`docker-compose-{name}.yml`")
    rows = ["| variable | default | set in |", "|---|---|---|"]
    for variable, default in sorted(by_version[0].items()):
        if any(pins[variable] != default for pins in by_version):
            default = default.replace(versions[0], "<python_version>")
        shown = ", ".join(sorted(used_in.get(variable, set()))) or "-"
        rows.append(f"| `{variable}` | `{default}` | {shown} |")
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
