"""The public Python API: the names ``khorasan`` exports, and what a notebook does with them."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

import khorasan

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

PUBLIC = [
    "BadMetadata", "ConfigError", "Document", "Event", "Failure", "FetchError", "FilterError",
    "IncidentMention", "IngestOptions", "IngestSummary", "InputError", "KhorasanError",
    "KnowledgeBaseError", "RecordMention", "ReextractSummary", "Store", "StoreError",
    "UnreadableInput", "__version__", "extract_file", "extract_text", "fuse", "ingest",
    "open_store", "reextract",
]  # fmt: skip


def test_api_exports_exactly_the_public_surface() -> None:
    assert sorted(khorasan.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert hasattr(khorasan, name), name
    # submodules are importable, but nothing else is public by accident
    extra = {n for n, v in vars(khorasan).items() if not n.startswith("_") and n not in PUBLIC
             and not isinstance(v, types.ModuleType)}  # fmt: skip
    assert not extra


def test_api_version_is_set() -> None:
    assert khorasan.__version__ and khorasan.__version__[0].isdigit()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> khorasan.Store:
    s = khorasan.open_store(tmp_path_factory.mktemp("api") / "k.db")
    report = khorasan.ingest([EXAMPLES], store=s)
    assert report.ingested > 5 and not report.failures and report.events > 0
    return s


def test_api_ingest_reports_like_the_cli(store: khorasan.Store) -> None:
    again = khorasan.ingest(str(EXAMPLES), store=store)  # one input needs no list
    assert again.ingested == 0 and again.already > 5
    assert set(again.as_dict()) >= {"ingested", "already_stored", "failed", "seconds"}


def test_api_events_filtered_as_the_cli(store: khorasan.Store) -> None:
    everything = store.events()
    assert everything and all(isinstance(e, khorasan.Event) for e in everything)
    afghan = store.events(country="afghanistan", since="2017")
    assert afghan and all(e.country == "Afghanistan" and e.date >= "2017" for e in afghan)
    assert store.events(since="2017") == store.events(date_from="2017")
    assert store.events(perpetrator="ISKP") == store.events(perpetrator="IS-K")
    branch = {e.id for e in store.events(perpetrator="IS-K")}
    assert branch and branch <= {e.id for e in store.events(perpetrator="Islamic State")}
    assert all(e.mentions for e in afghan)
    first = afghan[0]
    assert store.event(first.id[:8]).id == first.id
    mention = first.mentions[0]
    assert {"uid", "doc", "evidence", "span", "spans", "killed"} <= set(mention)


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"since": "2022-13"}, "since"), ({"until": "yesterday"}, "until"),
     ({"colour": "red"}, "colour"), ({"since": "2024", "until": "2023"}, "date_from")],
)  # fmt: skip
def test_api_bad_filter_names_the_field(store: khorasan.Store, filters: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(khorasan.FilterError) as err:
        store.events(**filters)
    assert err.value.field == field


def test_api_event_values_are_a_filter_s_choices(store: khorasan.Store) -> None:
    countries = store.event_values("country")
    assert countries == sorted({e.country for e in store.events(mentions=False) if e.country})
    with pytest.raises(khorasan.FilterError):
        store.event_values("detail")


def test_api_events_frame(store: khorasan.Store) -> None:
    pytest.importorskip("pandas")
    frame = store.events_frame(perpetrator="IS-K")
    assert len(frame) == len(store.events(perpetrator="IS-K"))
    assert {"id", "date", "killed_best", "perpetrator"} <= set(frame.columns)
    assert set(frame["perpetrator"]) <= {"IS-K"}


def test_api_extract_text_stores_nothing(tmp_path: Path) -> None:
    text = (
        "A suicide bomber killed at least 12 people at a mosque in Kunduz, Afghanistan, "
        "on Friday, officials said. Islamic State Khorasan claimed the attack."
    )
    doc = khorasan.extract_text(text, published="2021-10-10", url="https://example.org/a")
    assert doc["published"] == "2021-10-10"
    assert set(doc) >= {"incidents", "statistics", "strength", "plots", "leaders", "relations"}
    (incident,) = doc["incidents"]
    assert incident["killed"]["value"] == 12 and incident["admin1"] == "Kunduz"
    assert text[slice(*incident["span"])] in text


def test_api_open_store_refuses_a_missing_file_when_asked(tmp_path: Path) -> None:
    with pytest.raises(khorasan.StoreError) as err:
        khorasan.open_store(tmp_path / "typo.db", create=False)
    assert "typo.db" in str(err.value) and not (tmp_path / "typo.db").exists()


def test_api_unknown_url_scheme_is_one_store_error() -> None:
    with pytest.raises(khorasan.StoreError) as err:
        khorasan.open_store("nosuchdb://host/x")
    assert "nosuchdb" in str(err.value)
