"""Which answer sets the fast tier renders: each option alone, plus a generated pairwise cover.

Options and their values are read from copier.yml (every question with choices, every bool),
so a new question or choice is covered without editing this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

from tests.support.answers import (
    AIRFLOW_OWN_DB,
    MLOPS_MONGODB,
    MLOPS_POSTGRES,
    PIPELINES,
    Answers,
)
from tests.support.registry import options

# (option, value) -> what it needs: the only impossible pairs. copier.yml refuses them too.
REQUIRES: dict[tuple[str, Any], tuple[str, Any]] = {
    ("vector_store", "pgvector"): ("database", "postgresql"),
}


def allowed(answers: Answers) -> bool:
    """False if the (possibly partial) answer set contains an impossible pair."""
    for (option, value), (needed, needed_value) in REQUIRES.items():
        if answers.get(option) == value and answers.get(needed, needed_value) != needed_value:
            return False
    return True


def one_at_a_time() -> list[Answers]:
    """Each value of each option alone (the rest on defaults), with what it requires."""
    result = []
    for option, values in options().items():
        for value in values:
            answers = {option: value}
            if (option, value) in REQUIRES:
                needed, needed_value = REQUIRES[(option, value)]
                answers[needed] = needed_value
            result.append(answers)
    return result


def pairwise() -> list[Answers]:
    """A small set of full answer sets covering every allowed pair of values (greedy, AETG-like).

    Deterministic: the same copier.yml always gives the same rows.
    """
    opts = options()
    names = list(opts)
    uncovered = {
        ((a, va), (b, vb))
        for a, b in combinations(names, 2)
        for va in opts[a]
        for vb in opts[b]
        if allowed({a: va, b: vb})
    }
    rows: list[Answers] = []
    while uncovered:
        (a, va), (b, vb) = min(uncovered, key=lambda p: (names.index(p[0][0]), repr(p)))
        row: Answers = {a: va, b: vb}
        for name in names:
            if name in row:
                continue
            candidates = [v for v in opts[name] if allowed({**row, name: v})]
            row[name] = max(candidates, key=lambda v: _gain(uncovered, row, name, v))
        uncovered -= set(_pairs(row))
        rows.append({name: row[name] for name in names})
    return rows


def _pairs(row: Answers) -> Iterator[tuple[tuple[str, Any], tuple[str, Any]]]:
    names = list(row)
    for a, b in combinations(names, 2):
        yield ((a, row[a]), (b, row[b]))
        yield ((b, row[b]), (a, row[a]))


def _gain(uncovered: set, row: Answers, name: str, value: Any) -> int:
    return sum(
        ((other, row[other]), (name, value)) in uncovered
        or ((name, value), (other, row[other])) in uncovered
        for other in row
    )


# Free-text answers with characters that break naive quoting in YAML, TOML, JSON and shell.
TRICKY_TEXT: Answers = {
    "project_name": 'Ünïcode "Quoted" App: #1',
    "description": "Asks & answers: 'single', \"double\", #hash, {braces}, back\\slash, $HOME",
    "author_name": "O'Brien & Søn <ops@example.com>",
}


SEED_STACKS: list[Answers] = [MLOPS_MONGODB, MLOPS_POSTGRES]  # the MLOps seeds, whole
# Airflow and Spark (issue 14): Airflow on the project's PostgreSQL, on its own; Spark alone;
# both with every deployment-side option (nginx, monitoring, Kubernetes, the bucket).
PIPELINE_STACKS: list[Answers] = [
    {"database": "postgresql", "orchestrator": "airflow"},
    AIRFLOW_OWN_DB,
    {"batch_processing": "spark"},
    {**PIPELINES, "reverse_proxy": "nginx", "monitoring": True, "kubernetes": True},
]

# Team components (`components`, name -> kind): one of each kind alone, then three of each.
TEAM: list[Answers] = [
    {"components": {"reports": "service"}},
    {"components": {"etl": "job"}},
    {"worker": True, "components": {"thumbs": "consumer"}},
    {
        "worker": True,
        "reverse_proxy": "nginx",
        "database": "postgresql",
        "monitoring": True,
        "components": {
            **dict.fromkeys(["reports", "search_admin", "billing2"], "service"),
            **dict.fromkeys(["etl", "nightly_export", "reindex"], "job"),
            **dict.fromkeys(["thumbs", "mailer", "ocr_pages"], "consumer"),
        },
    },
]


def answer_sets() -> list[Answers]:
    """One-at-a-time sets, the pairwise cover, the seed and pipeline stacks, tricky free text
    and team components, without duplicates."""
    seen, result = set(), []
    stacks = [*SEED_STACKS, *PIPELINE_STACKS]
    for answers in [*one_at_a_time(), *pairwise(), *stacks, TRICKY_TEXT, *TEAM]:
        key = repr(sorted(answers.items()))
        if key not in seen:
            seen.add(key)
            result.append(answers)
    return result
