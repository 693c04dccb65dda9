"""Settings from the environment (and .env). Every variable is validated at start-up.

These are the settings every process shares; each backend (vector store, metadata database,
job queue, embedder, OpenAI-compatible endpoint) reads its own variables with its own class,
with `read()`.
"""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from core.secret_files import SecretFileError, SecretFilesSource


class SettingsError(SystemExit):
    """Stops the program with one line naming each bad variable."""


class EnvSettings(BaseSettings):
    """Read from files named by NAME_FILE (core/secret_files.py), the environment, then .env;
    the variables of other classes are ignored."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        files = SecretFilesSource(settings_cls, env_settings, dotenv_settings)
        return init_settings, files, env_settings, dotenv_settings, file_secret_settings

    @classmethod
    def read(cls) -> Self:
        """Read and validate, or stop with a one-line message naming the variable."""
        try:
            return cls()
        except ValidationError as error:
            raise SettingsError(f"invalid settings: {describe(error)}") from None
        except SecretFileError as error:
            raise SettingsError(f"invalid settings: {error}") from None


class EmbedderName(StrEnum):
    MINILM = "minilm"
    HASHING = "hashing"
    SENTENCE_TRANSFORMERS = "sentence-transformers"
    OPENAI = "openai"


MINILM_DIM = 384  # the size of the minilm embedder's vectors, fixed by its model


class SearchMode(StrEnum):
    """How search finds chunks (see core/retrieval.py)."""

    VECTOR = "vector"
    KEYWORD = "keyword"
    HYBRID = "hybrid"


# ANSWERER names a module of core/answerers/: extractive, openai, and llm in a stack with a
# model server (then the default).
ANSWERERS = sorted(
    path.stem
    for path in (Path(__file__).parent / "answerers").glob("*.py")
    if path.stem not in {"__init__", "base"}
)
DEFAULT_ANSWERER = "llm" if "llm" in ANSWERERS else "extractive"


class Settings(EnvSettings):
    """One field per environment variable: the field name in upper case."""

    # Documents and chunking
    max_upload_bytes: Annotated[int, Field(gt=0)] = 10 * 1024 * 1024
    chunk_size: Annotated[int, Field(ge=100, le=20_000)] = 800
    chunk_overlap: Annotated[int, Field(ge=0)] = 120
    # Per document: the extracted text (a small PDF can hold far more) and its chunks.
    max_text_chars: Annotated[int, Field(gt=0)] = 2_000_000
    max_chunks: Annotated[int, Field(gt=0)] = 5_000
    # GET /readyz fails when the disk of DATA_DIR (local stores, uploads) has less free space.
    data_dir: Path = Path("data")
    min_free_disk_bytes: Annotated[int, Field(ge=0)] = 100 * 1024 * 1024

    # Providers: switching one is a setting, not a re-render
    embedder: EmbedderName = EmbedderName.MINILM
    # The vectors' size: of the hashing and OpenAI embedders, and of the vector store
    # (minilm makes 384; another value is refused with it).
    embedding_dim: Annotated[int, Field(ge=8, le=8192)] = 384
    answerer: str = DEFAULT_ANSWERER

    # Retrieval: vector, keyword (full text) or hybrid (both, fused by rank)
    search_mode: SearchMode = SearchMode.HYBRID

    @field_validator("answerer")
    @classmethod
    def _known_answerer(cls, name: str) -> str:
        if name not in ANSWERERS:
            *others, last = (f"'{known}'" for known in ANSWERERS)
            raise ValueError(f"Input should be {', '.join(others)} or {last}")
        return name

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("CHUNK_OVERLAP must be smaller than CHUNK_SIZE")
        if self.embedder is EmbedderName.MINILM and self.embedding_dim != MINILM_DIM:
            raise ValueError(
                f"EMBEDDER=minilm makes {MINILM_DIM}-dimensional vectors: "
                f"EMBEDDING_DIM must be {MINILM_DIM} (or unset)"
            )
        return self


def load_settings() -> Settings:
    return Settings.read()


def describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        name = "_".join(str(part) for part in item["loc"]).upper()
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{name}: {message}" if name else message)
    return "; ".join(problems)
