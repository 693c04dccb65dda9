"""Errors the API and the worker turn into clear answers (never a 500 for bad input)."""


class IngestError(Exception):
    """A document could not be ingested because of its content; nothing was stored."""


class UnsupportedFileType(IngestError):
    """The file type is not one of the supported types."""


class DocumentTooLarge(IngestError):
    """The document is larger than MAX_UPLOAD_BYTES."""


class EmptyDocument(IngestError):
    """The document holds no text, or its text cannot be decoded."""


class NotText(IngestError):
    """The file is binary (NUL bytes, control characters), not the text its name says."""


class TextTooLong(IngestError):
    """The document's text is longer than MAX_TEXT_CHARS, or makes more than MAX_CHUNKS chunks."""


class ProviderError(Exception):
    """An embedding or answering provider failed (unreachable, bad answer)."""


class ProviderUnavailable(ProviderError):
    """A provider cannot be reached (not started, wrong address)."""


class ProviderTimeout(ProviderError):
    """A provider did not finish in the time allowed."""


class StorageUnavailable(Exception):
    """The vector store or the metadata database cannot be used now (down, unreachable,
    read-only, full): the request may succeed later (the API answers 503)."""
