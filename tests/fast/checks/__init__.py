"""The static checks of a rendered project, by subject. Each module holds its checks
(`check_<name>(project, answers) -> problems`) and, beside them, the tests that plant the
defect each one must catch (its DEFECTS)."""

from __future__ import annotations

from tests.fast.checks import (
    test_compose,
    test_data,
    test_dockerfiles,
    test_layout,
    test_linters,
    test_residue,
    test_secrets,
    test_supply,
)
from tests.fast.checks.common import Check

SUBJECTS = [test_residue, test_data, test_compose, test_dockerfiles, test_linters, test_layout,
            test_secrets, test_supply]  # fmt: skip
# check name (without check_) -> check, for every check of every subject
CHECKS: dict[str, Check] = {
    name.removeprefix("check_"): value
    for module in SUBJECTS
    for name, value in vars(module).items()
    if name.startswith("check_") and callable(value)
}
DEFECTS = {check: defect for module in SUBJECTS for check, defect in module.DEFECTS.items()}
