"""Add to .env the variables of .env.example it lacks; create the missing files of .secrets/.

`copier update` never rewrites .env nor writes .secrets/ (they hold this project's secrets), so
a component turned on later brings its variables to .env.example and its secrets to the
Compose files only; a fresh clone has neither. `make env` runs this script. It only adds:
existing lines of .env are never changed, but for API_KEY_HASHES, which gets the digests of the
API keys it generates; an existing file of .secrets/ is never rewritten.

A secret the Compose files name (`file: ./.secrets/<name>`) takes, when its file is missing,
the value of the variable <NAME> of .env (where projects made before .secrets/ kept it, so a
database volume keeps its password), otherwise a fresh random value. The folder is readable by
its owner only; its files are readable by all (0644), because the containers' users (other
UIDs) read them through bind mounts, where the folder's mode does not apply.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import sys
from pathlib import Path

from api_key import digest, with_digests

# Keys of this project's API (API_KEY, ui_api_key...): generated, their digests accepted.
API_KEY_SUFFIX = "API_KEY"
# The Compose files' secrets: `file: ./.secrets/<name>`.
SECRET_FILE = re.compile(r"^\s*file: \./\.secrets/([a-z0-9_]+)\s*$", re.MULTILINE)
# Files made from another secret: name -> (its source, how). The Redis exporter reads JSON.
DERIVED = {
    "redis_exporter_passwords": (
        "redis_password",
        lambda password: json.dumps({"redis://redis:6379": password}),
    ),
}


def variables(text: str) -> dict[str, str]:
    """The KEY=value lines of an env file (comments and blank lines skipped)."""
    found = {}
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals and not key.lstrip().startswith("#"):
            found[key.strip()] = value
    return found


def missing_lines(example: str, env: str) -> list[str]:
    """KEY=value lines for every variable of the example that env does not set."""
    present = variables(env)
    return [
        f"{key}={secrets.token_urlsafe(32) if key.endswith(API_KEY_SUFFIX) else value}"
        for key, value in variables(example).items()
        if key not in present
    ]


def secret_names(root: Path) -> list[str]:
    """The secrets of the Compose files, those made from another one last."""
    names = {
        name
        for path in root.glob("docker-compose*.yml")
        for name in SECRET_FILE.findall(path.read_text())
    }
    return sorted(names, key=lambda name: (name in DERIVED, name))


def fresh(name: str) -> str:
    if name.endswith("fernet_key"):  # Airflow's: 32 random bytes in base64url
        return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    if name.endswith("access_key_id"):
        return secrets.token_hex(10)
    return secrets.token_urlsafe(32)


def create_secrets(root: Path, env: dict[str, str]) -> tuple[list[str], list[str]]:
    """Write the missing files of .secrets/; return their names, and the values of the API
    keys among them that are new (not taken from .env, so not in API_KEY_HASHES yet)."""
    folder = root / ".secrets"
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    created, new_keys = [], []
    for name in secret_names(root):
        path = folder / name
        if path.exists():
            continue
        if name in DERIVED:
            source, make = DERIVED[name]
            value = make((folder / source).read_text())
        elif env.get(name.upper()):
            value = env[name.upper()]
        else:
            value = fresh(name)
            if name.upper().endswith(API_KEY_SUFFIX):
                new_keys.append(value)
        # O_EXCL: never over a file that appeared meanwhile.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(descriptor, "w") as file:
            file.write(value)
        path.chmod(0o644)
        created.append(name)
    return created, new_keys


def main(root: Path) -> int:
    env_file = root / ".env"
    env = env_file.read_text() if env_file.exists() else ""
    lines = missing_lines((root / ".env.example").read_text(), env)
    env_file.touch(mode=0o600)
    env_file.chmod(0o600)
    created, keys = create_secrets(root, variables(env))
    added = variables("\n".join(lines))
    keys += [value for key, value in added.items() if key.endswith(API_KEY_SUFFIX)]
    if lines or keys:
        text = env + ("\n" if env and not env.endswith("\n") else "") + "".join(
            f"{line}\n" for line in lines
        )
        env_file.write_text(with_digests(text, [digest(key) for key in keys]) if keys else text)
    if lines:
        print("added to .env:", ", ".join(line.partition("=")[0] for line in lines))
    if created:
        print("created in .secrets/:", ", ".join(created))
    if not lines and not created:
        print(".env sets every variable of .env.example; .secrets/ has every secret")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path()))
