"""The extractors' data files: every cue pattern is checked when its file is read, a bad one
names the file and the key, and the extractor version follows the bytes of the data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khorasan.errors import DataFileError, KhorasanError
from khorasan.extract import EXTRACTOR_VERSION
from khorasan.extract.cues import DATA_DIR, load_cues, load_lexicon_file
from khorasan.extract.version import data_files, extractor_version


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["incident_cues.json", "records_cues.json"])
def test_extract_data_shipped_cue_files_load(name: str) -> None:
    assert load_cues(DATA_DIR / name)


def test_extract_data_bad_pattern_names_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path / "incident_cues.json", {"_comment": "x", "claim_verbs": ["ok", "(abc"]})
    with pytest.raises(DataFileError) as caught:
        load_cues(path)
    assert isinstance(caught.value, KhorasanError)
    assert str(caught.value) == (
        "incident_cues.json: key 'claim_verbs': bad pattern: "
        "missing ), unterminated subpattern at position 0"
    )


def test_extract_data_bad_pattern_in_a_mapping_names_the_sub_key(tmp_path: Path) -> None:
    path = write(tmp_path / "records_cues.json", {"leader_roles": {"emir": ["emir", "a)|(b"]}})
    with pytest.raises(DataFileError, match=r"^records_cues\.json: key 'leader_roles\.emir': bad"):
        load_cues(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"claim": "took responsibility"}', "key 'claim': expected a list of patterns"),
        ('{"claim": [1]}', "key 'claim': expected a list of patterns"),
        ('["claim"]', "expected a JSON object of keys"),
        ('{"claim": [', "not valid JSON"),
    ],
)
def test_extract_data_malformed_cue_file_is_one_error(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "cues.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=reason):
        load_cues(path)


def test_extract_data_lexicon_file_drops_comments(tmp_path: Path) -> None:
    path = write(tmp_path / "lexicon.json", {"_comment": "x", "words": ["a", "(b"]})
    assert load_lexicon_file(path) == {"words": ["a", "(b"]}  # words, not patterns


def test_extract_data_version_is_package_version_and_data_hash() -> None:
    assert EXTRACTOR_VERSION == extractor_version(data_files())
    package, digest = EXTRACTOR_VERSION.split("+")
    assert package and len(digest) == 8
    names = {p.name for p in data_files()}
    assert {"incident_cues.json", "numbers.json", "places.csv"} <= names
    assert "README.md" not in names


def test_extract_data_version_changes_with_a_data_file(tmp_path: Path) -> None:
    (tmp_path / "kb" / "data").mkdir(parents=True)
    cues = write(tmp_path / "kb" / "data" / "cues.json", {"claim": ["claimed"]})
    places = tmp_path / "kb" / "data" / "places.csv"
    places.write_text("id,name\n1,Kabul\n", encoding="utf-8")
    files = [cues, places]
    before = extractor_version(files, "0.1.0")
    assert before.startswith("0.1.0+")
    assert extractor_version(list(reversed(files)), "0.1.0") == before  # order given is moot
    places.write_text("id,name\n1,Kabul\n2,Jalalabad\n", encoding="utf-8")
    changed = extractor_version(files, "0.1.0")
    assert changed != before
    assert extractor_version(files, "0.2.0") != changed  # and with the package version
