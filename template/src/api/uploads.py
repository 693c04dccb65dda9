"""Checks of an uploaded file before anything is stored: type (415) and size (413)."""

from pathlib import PurePath

from fastapi import HTTPException, UploadFile, status

from core.loaders import LOADERS

SUPPORTED = ", ".join(sorted(LOADERS))


def read_upload(file: UploadFile, max_bytes: int) -> tuple[str, bytes]:
    """The file's name and content, or an HTTP error naming what is wrong with it."""
    filename = PurePath(file.filename or "").name
    if not filename:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the file has no name")
    suffix = PurePath(filename).suffix.lower()
    if suffix not in LOADERS:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            f"{suffix or 'a file without extension'} is not supported (supported: {SUPPORTED})",
        )
    content = file.file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise too_large(max_bytes)
    return filename, content


def too_large(max_bytes: int) -> HTTPException:
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        f"the upload is larger than the limit of {max_bytes} bytes (MAX_UPLOAD_BYTES)",
    )
