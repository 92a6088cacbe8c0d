"""The date a news URL files its article under, and when ingest takes it as the publication date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khorasan.ingest import document_from_text
from khorasan.kb.dates import date_from_url

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEV = SHARED / "eval" / "dev"
NO_SHARED = "../shared is absent: the dev pages are read from there, never copied"
DEV_PAGES = sorted(p.name for p in DEV.glob("*.txt")) if DEV.is_dir() else ["(absent)"]
BODY = "Gunmen attacked a mosque in the city, killing at least 12 people, officials said."


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/2024/04/gunmen-attack-mosque/", "2024-04"),
        ("https://news.example/world/2021/08/27/kabul-blast.html", "2021-08-27"),
        ("https://news.example/news/2017/10/5/shrine-blast", "2017-10-05"),
        ("https://news.example/2024/3/9/", "2024-03-09"),
        ("https://news.example/story/2023-06-08-faizabad-funeral", "2023-06-08"),
        ("https://news.example/archive/2024-03/", "2024-03"),
        ("https://news.example/content/2020-08-03/4f1c9a.html", "2020-08-03"),
        ("https://news.example/world/2017/jun/15/kabul-mosque", "2017-06-15"),
        ("https://news.example/world/2024/March/", "2024-03"),
        ("https://news.example/06-Oct-2017/bomber-kills-20", "2017-10-06"),
        ("https://news.example/september-5-2022/embassy-blast", "2022-09-05"),
        ("https://news.example/amp/20220208/two-detained-1092857016.html", "2022-02-08"),
        ("https://news.example/world/la-fg-kabul-blast-20180321-story.html", "2018-03-21"),
        ("https://news.example/kabul-blast-2024-03-29.html", "2024-03-29"),
        ("https://news.example/article?id=7&date=2024-03-29", "2024-03-29"),
        ("https://news.example/article?published=20240329", "2024-03-29"),
        ("https://news.example/2021/02/30/not-a-day/", "2021-02"),  # no such day: month only
    ],
)
def test_url_date_shapes(url: str, expected: str) -> None:
    assert date_from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        None,
        "https://news.example/1234/5678/",  # ids, not dates
        "https://news.example/story/1329152/several-injured",
        "https://news.example/news/world-1092857016.html",  # a 10-digit id holds no 8-digit date
        "https://news.example/p/120240329/",  # nine digits
        "https://news.example/p/20241399-story",  # month 13
        "https://news.example/p/20240231-story",  # 31 February, and a bare number: no date
        "https://news.example/2022/airstrike-kills-47/",  # a year alone is no filing date
        "https://news.example/2024/may-day-rally/",  # a month name must fill its segment
        "https://news.example/attack-on-march-22-2024-in-moscow/",  # the event, in the slug
        "https://news.example/1985/05/01/old/",  # before news URLs
        "https://news.example/2199/01/01/",  # the future
        "https://news.example/search?from=2020/01",  # the query is no filing date
        "https://news.example/article?date=soon",
        "https://2024.example/03/29/",  # a host is not a path
    ],
)
def test_url_date_refuses_what_may_not_be_a_date(url: str | None) -> None:
    assert date_from_url(url) is None


def test_url_date_is_the_last_source_of_a_publication_date() -> None:
    url = "https://news.example/2024/03/29/kabul-blast/"
    doc = document_from_text(BODY, name="a", source="a", meta={"url": url})
    assert doc.published == "2024-03-29" and doc.extra["published_from"] == "url"
    # The page's own date line wins over its URL.
    doc = document_from_text("June 6, 2023\n" + BODY, name="b", source="b", meta={"url": url})
    assert doc.published == "2023-06-06" and doc.extra["published_from"] == "text"
    # Metadata that says "published": null means unknown: the URL does not overrule it.
    doc = document_from_text(BODY, name="c", source="c", meta={"url": url, "published": None})
    assert doc.published is None


def _dev_meta(name: str) -> dict[str, str | None]:
    if not DEV.is_dir():
        pytest.skip(NO_SHARED)
    meta: dict[str, str | None] = json.loads((DEV / name).with_suffix(".meta.json").read_text())
    return meta


@pytest.mark.parametrize("name", DEV_PAGES)
def test_url_date_of_dev_pages_agrees_with_the_sidecar(name: str) -> None:
    # A date read from the URL alone is None or agrees with the page's publication date (to
    # the URL's precision); it is never a false one.
    meta = _dev_meta(name)
    found, published = date_from_url(meta.get("url")), meta.get("published")
    if found is None or published is None:
        return
    assert published.startswith(found), (meta["url"], published)


@pytest.mark.parametrize("name", DEV_PAGES)
def test_url_date_dates_dev_pages_whose_text_shows_none(name: str) -> None:
    # Without the sidecar's date, a page whose text shows none is dated by its URL where the
    # URL holds a date, and that date agrees with the sidecar.
    meta = _dev_meta(name)
    text = (DEV / name).read_text("utf-8")
    doc = document_from_text(text, name=name, source=name, meta={"url": meta.get("url")})
    if doc.extra["published_from"] == "url":
        published = meta["published"]
        assert doc.published and (published is None or published.startswith(doc.published))
    elif doc.published is None:
        assert date_from_url(meta.get("url")) is None


def test_annotate_reads_url_dates_from_the_shared_module() -> None:
    # Stages share only the model and the knowledge base: annotate never imports ingest.
    annotate = Path(__file__).resolve().parents[1] / "khorasan" / "annotate"
    offenders = [p.name for p in annotate.glob("*.py") if "khorasan.ingest" in p.read_text()]
    assert offenders == []
