"""Settings of the evaluation job."""

from pathlib import Path
from typing import Annotated

from pydantic import Field

from core.settings import EnvSettings


class EvaluationSettings(EnvSettings):
    """One field per environment variable: the field name in upper case."""

    eval_questions: Path = Path("data/eval/questions.jsonl")
    eval_top_k: Annotated[int, Field(ge=1, le=100)] = 5
