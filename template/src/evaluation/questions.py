"""The labelled question set: one JSON object per line, e.g.
{"question": "How many hearts does an octopus have?", "relevant": ["octopus.md"]}
where `relevant` lists the file names of the documents that answer it."""

import json
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, Field, ValidationError


class Question(BaseModel):
    question: Annotated[str, Field(min_length=1)]
    relevant: Annotated[list[str], Field(min_length=1)]


class QuestionFileError(ValueError):
    """The question file is missing or a line is not a valid question."""


def load_questions(path: Path) -> list[Question]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise QuestionFileError(f"cannot read the questions: {error}") from None
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            questions.append(Question.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as error:
            problem = str(error).splitlines()[0]
            raise QuestionFileError(f"{path}, line {number}: {problem}") from None
    if not questions:
        raise QuestionFileError(f"{path} holds no question")
    return questions
