"""Create an API key: print it once, add its SHA-256 digest to API_KEY_HASHES in .env.

Give the key to one client (a person, a service); the API accepts it once restarted. To revoke
a key, remove its digest from API_KEY_HASHES and restart the API.
"""

from __future__ import annotations

import hashlib
import secrets
import sys
from pathlib import Path


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def with_digests(env: str, digests: list[str]) -> str:
    """env with the digests appended to its API_KEY_HASHES line (added when missing)."""
    lines = env.splitlines()
    for number, line in enumerate(lines):
        name, _, value = line.partition("=")
        if name.strip() == "API_KEY_HASHES":
            known = [digest for digest in value.split(",") if digest]
            lines[number] = "API_KEY_HASHES=" + ",".join([*known, *digests])
            return "\n".join(lines) + "\n"
    return "\n".join([*lines, "API_KEY_HASHES=" + ",".join(digests)]) + "\n"


def main(root: Path) -> int:
    env_file = root / ".env"
    key = secrets.token_urlsafe(32)
    env_file.touch(mode=0o600)
    env_file.write_text(with_digests(env_file.read_text(), [digest(key)]))
    print(f"New API key (shown once; its digest is in .env, restart the API): {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path()))
