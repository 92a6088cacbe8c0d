"""Every error a user can meet is a KhorasanError with a stable code from one table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from khorasan import errors
from khorasan.evaluate import run_eval
from khorasan.pipeline import extract_file

README = Path(__file__).resolve().parents[1] / "README.md"

# The table as published: a code never changes meaning.
PINNED = {
    "K000": "KhorasanError", "K100": "InputError", "K101": "UnreadableInput",
    "K102": "BadMetadata", "K103": "FetchError", "K200": "KnowledgeBaseError",
    "K201": "DataFileError", "K300": "StoreError", "K310": "NotFoundError", "K400": "ConfigError",
    "K401": "FilterError", "K402": "ExportError", "K403": "ReviewError",
    "K404": "UserError", "K410": "AlertError", "K500": "EvalError",
    "K600": "AccessError", "K601": "Unauthenticated", "K602": "Forbidden",
    "K603": "TooManyAttempts", "K700": "DeliveryError",
    "K800": "BackupError",
}  # fmt: skip


def test_errors_codes_are_pinned() -> None:
    assert {code: cls.__name__ for code, cls in errors.ERROR_CODES.items()} == PINNED


def test_errors_every_class_has_its_own_code() -> None:
    classes = [getattr(errors, n) for n in errors.__all__ if n != "ERROR_CODES"]
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)) == len(PINNED)


def test_errors_table_is_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for code, name in PINNED.items():
        assert re.search(rf"`{code}`.*`{name}`", text), f"README lacks {code} {name}"


def test_errors_as_dict_is_the_api_error_shape() -> None:
    err = errors.FilterError("since", "'2024-13' is not a date")
    assert err.as_dict() == {"code": "K401", "message": "since: '2024-13' is not a date",
                             "field": "since"}  # fmt: skip
    assert isinstance(err, errors.KhorasanError)


def test_errors_empty_gold_folder_is_one_eval_error(tmp_path: Path) -> None:
    with pytest.raises(errors.EvalError) as err:
        run_eval(tmp_path, tmp_path, extract_file)
    assert str(tmp_path) in str(err.value) and "no gold files" in str(err.value)
