"""Add to .env the variables of .env.example it lacks, with fresh random secrets.

`copier update` never rewrites .env (it holds this project's secrets), so a component turned
on later brings its variables to .env.example only; a fresh clone has no .env at all.
`make env` runs this script: it only appends, existing lines of .env are never changed, but for
API_KEY_HASHES, which gets the digests of the API keys it generates. It leaves .env readable by
its owner only.
"""

from __future__ import annotations

import base64
import secrets
import sys
from pathlib import Path

from api_key import digest, with_digests

# Variables named like this get a new random value instead of the example's (API keys and
# tokens of outside services are copied from the example: you provide those).
GENERATED_SECRET_WORDS = ("PASSWORD", "SECRET", "ACCESS_KEY")
# A Fernet key (Airflow's) must be 32 random bytes in base64url.
FERNET_KEY = "FERNET_KEY"
# Keys of this project's API (API_KEY, UI_API_KEY...): generated, their digests accepted.
API_KEY_SUFFIX = "API_KEY"


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
    lines = []
    for key, value in variables(example).items():
        if key not in present:
            if key.endswith(API_KEY_SUFFIX):
                fresh = secrets.token_urlsafe(32)
            elif key.endswith(FERNET_KEY):
                fresh = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            elif any(word in key for word in GENERATED_SECRET_WORDS):
                fresh = secrets.token_urlsafe(24)
            else:
                fresh = value
            lines.append(f"{key}={fresh}")
    return lines


def main(root: Path) -> int:
    env_file = root / ".env"
    env = env_file.read_text() if env_file.exists() else ""
    lines = missing_lines((root / ".env.example").read_text(), env)
    env_file.touch(mode=0o600)
    env_file.chmod(0o600)
    if not lines:
        print(".env already sets every variable of .env.example")
        return 0
    added = variables("\n".join(lines))
    keys = [value for key, value in added.items() if key.endswith(API_KEY_SUFFIX)]
    text = env + ("\n" if env and not env.endswith("\n") else "") + "\n".join(lines) + "\n"
    env_file.write_text(with_digests(text, [digest(key) for key in keys]) if keys else text)
    print("added to .env:", ", ".join(line.partition("=")[0] for line in lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path()))
