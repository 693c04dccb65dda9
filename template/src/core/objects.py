"""The project's bucket on the S3-compatible object store: settings, client, clear errors.

`python -m core.objects` creates the bucket when it is missing (the s3-init job, idempotent);
`python -m core.objects upload DIR PREFIX` copies a folder into the bucket (make backup-bucket).
"""

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import Field, HttpUrl, SecretStr

from core.settings import EnvSettings

logger = logging.getLogger(__name__)

REFUSED = {"403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"}


class S3Settings(EnvSettings):
    """One field per environment variable: the field name in upper case."""

    s3_endpoint_url: HttpUrl
    s3_bucket: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    s3_access_key_id: Annotated[str, Field(min_length=1)]
    s3_secret_access_key: SecretStr
    s3_region: str = "us-east-1"


class ObjectStoreError(RuntimeError):
    """The bucket cannot be used: missing, credentials refused, server unreachable."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    etag: str
    size: int


class Bucket:
    def __init__(self, settings: S3Settings) -> None:
        self.name = settings.s3_bucket
        self.endpoint = str(settings.s3_endpoint_url)
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=settings.s3_secret_access_key.get_secret_value(),
            region_name=settings.s3_region,
            config=Config(
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )

    @classmethod
    def from_environment(cls) -> "Bucket":
        return cls(S3Settings.read())

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turns the client's errors into one line saying what to fix."""
        try:
            yield
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in REFUSED:
                raise ObjectStoreError(
                    f"S3 at {self.endpoint} refused the credentials while trying to {action}"
                    f" ({code}): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"
                ) from None
            if code in {"404", "NoSuchBucket"}:
                raise ObjectStoreError(
                    f"bucket {self.name!r} does not exist on {self.endpoint} (while trying to"
                    f" {action}): create it with `python -m core.objects` (the s3-init job)"
                ) from None
            raise ObjectStoreError(f"S3 could not {action}: {code} {error}") from None
        except BotoCoreError as error:
            raise ObjectStoreError(
                f"S3 at {self.endpoint} is unreachable (while trying to {action}): {error}"
            ) from None

    def check(self) -> None:
        with self._errors(f"open bucket {self.name!r}"):
            self.client.head_bucket(Bucket=self.name)

    def ensure(self) -> bool:
        """Create the bucket if it is missing; True if it was created."""
        try:
            self.check()
            return False
        except ObjectStoreError as error:
            if "does not exist" not in str(error):
                raise
        with self._errors(f"create bucket {self.name!r}"):
            self.client.create_bucket(Bucket=self.name)
        return True

    def list_objects(self, prefix: str) -> list[StoredObject]:
        found = []
        with self._errors(f"list {prefix!r}"):
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=prefix
            ):
                found += [
                    StoredObject(item["Key"], item["ETag"].strip('"'), item["Size"])
                    for item in page.get("Contents", [])
                ]
        return found

    def read(self, key: str) -> bytes | None:
        """The object's content, None if there is no such key."""
        try:
            return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "NoSuchKey":
                return None
            with self._errors(f"read {key!r}"):
                raise
        except BotoCoreError:
            with self._errors(f"read {key!r}"):
                raise

    def write(self, key: str, content: bytes) -> None:
        with self._errors(f"write {key!r}"):
            self.client.put_object(Bucket=self.name, Key=key, Body=content)

    def upload(self, path: Path, key: str) -> None:
        with self._errors(f"upload {path} to {key!r}"):
            self.client.upload_file(str(path), self.name, key)

    def download(self, key: str, path: Path) -> None:
        with self._errors(f"download {key!r}"):
            self.client.download_file(self.name, key, str(path))

    def delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), 1000):  # the API's limit per request
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            with self._errors("delete objects"):
                self.client.delete_objects(Bucket=self.name, Delete={"Objects": batch})


def main(arguments: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    bucket = Bucket.from_environment()
    try:
        if arguments[:1] == ["upload"] and len(arguments) == 3:
            folder, prefix = Path(arguments[1]), arguments[2].rstrip("/")
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                key = f"{prefix}/{path.relative_to(folder)}"
                bucket.upload(path, key)
                logger.info("uploaded %s to s3://%s/%s", path, bucket.name, key)
        elif not arguments:
            created = bucket.ensure()
            logger.info("bucket %s %s", bucket.name, "created" if created else "already exists")
        else:
            logger.error("usage: python -m core.objects [upload DIR PREFIX]")
            return 2
    except ObjectStoreError as error:
        logger.error("%s", error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
