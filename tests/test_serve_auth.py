"""Access control over HTTP: the authorisation matrix over every route (from the OpenAPI and
the app's routes, so a new route cannot be forgotten) and every role; CSRF on forms; login
rate limiting; review actions, corrections surviving reextract and fuse, merge and split
round trips and the change log through the API with a token; reports added by text, file and
URL; the loopback rule of ``khorasan serve``."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from fastapi.routing import APIRoute
from serve_helpers import served

from khorasan import users
from khorasan.cli import cli
from khorasan.errors import TooManyAttempts
from khorasan.pipeline import fuse, ingest, open_store, reextract
from khorasan.serve import create_app
from khorasan.serve.auth import LoginLimiter, is_loopback
from khorasan.serve.reviewpages import safe_next

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROLES = ("anonymous", "viewer", "analyst", "admin")
PASSWORD = "correct horse battery"
# The role each route needs beyond reading. A GET needs a viewer (anonymous while no user
# exists, or with --anonymous-read) unless listed; every other method must be listed here:
# a new write route fails test_auth_every_write_route_is_classified until it is.
NEEDS = {
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("DELETE", "/api/users/{name}"): "admin",
    ("POST", "/api/users/{name}/tokens"): "admin",
    **{("POST", path): "analyst" for path in (
        "/api/events/{event_id}/confirm", "/api/events/{event_id}/correct",
        "/api/events/{event_id}/reject", "/api/events/{event_id}/merge",
        "/api/events/{event_id}/split", "/api/mentions/{mention_id}/correct",
        "/api/mentions/{mention_id}/reject", "/api/review/actions/{action_id}/restore",
        "/api/reports/url", "/api/reports/text", "/api/reports/file",
        "/events/{event_id}/review", "/review/actions/{action_id}/restore", "/add")},
    ("POST", "/logout"): "viewer",
    ("GET", "/login"): "public", ("POST", "/login"): "public",
    ("GET", "/openapi.json"): "public", ("GET", "/docs"): "public",
    ("GET", "/docs/oauth2-redirect"): "public", ("GET", "/redoc"): "public",
}  # fmt: skip
# values for path parameters: none names a stored thing, so an allowed write changes nothing
DUMMY = {"event_id": "ffffffffffff", "doc_id": "ffffffffffff", "mention_id": "999999",
         "action_id": "999999", "name": "nobody-here"}  # fmt: skip


def _needs(method: str, path: str) -> str:
    if (method, path) in NEEDS:
        return NEEDS[(method, path)]
    assert method in ("GET", "HEAD"), f"{method} {path} is not in the matrix's NEEDS"
    return "viewer"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "k.db"
    with open_store(path) as store:
        assert not ingest([EXAMPLES], store).failures
        for role in ROLES[1:]:
            users.add(store, role, role, PASSWORD)
        users.add(store, "locked", "viewer", PASSWORD)
    return path


@pytest.fixture(scope="module")
def tokens(db: Path) -> dict[str, str]:
    with open_store(db) as store:
        return {role: users.new_token(store, role) for role in ROLES[1:]}


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[httpx.Client]:
    with served(str(db)) as c:
        yield c


def _auth(tokens: dict[str, str], role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"} if role != "anonymous" else {}


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]


def _routes(db: Path) -> list[tuple[str, str]]:
    """Every (method, path) the app answers: the OpenAPI's, and the pages' (not in it)."""
    app = create_app(str(db))
    found = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    for route in app.routes:
        if isinstance(route, APIRoute):
            found |= {(m, route.path) for m in route.methods if m != "HEAD"}
    app.state.store.close()
    return sorted(found)


def _expected(needs: str, role: str, method: str, path: str) -> set[int] | None:
    """The statuses allowed for ``role`` on a route needing ``needs`` (None: any status but
    401 and 403, the request got past access control)."""
    if (method, path) == ("POST", "/login"):
        return {403}  # open to all, but this request lacks the login form's CSRF cookie
    if needs == "public" or (role != "anonymous" and ROLES.index(role) >= ROLES.index(needs)):
        return None
    if role != "anonymous":
        return {403}
    if method == "GET" and not path.startswith("/api/"):
        return {303}  # a page: to the login form
    return {401}


def test_auth_the_matrix_covers_every_route_and_role(
    client: httpx.Client, db: Path, tokens: dict[str, str], tmp_path: Path
) -> None:
    routes = _routes(db)
    assert ("POST", "/api/events/{event_id}/correct") in routes and ("GET", "/review") in routes
    lines = ["| method | route | needs | " + " | ".join(ROLES) + " |",
             "|---|---|---|" + "---|" * len(ROLES)]  # fmt: skip
    wrong = []
    for method, path in routes:
        needs = _needs(method, path)
        url = re.sub(r"\{(\w+)\}", lambda m: DUMMY[m.group(1)], path)
        cells = []
        for role in ROLES:
            body = {} if method in ("POST", "DELETE") else None
            r = client.request(method, url, headers=_auth(tokens, role), follow_redirects=False,
                               json=body if method != "DELETE" else None)  # fmt: skip
            expected = _expected(needs, role, method, path)
            ok = r.status_code not in (401, 403) if expected is None else \
                r.status_code in expected  # fmt: skip
            if not ok:
                wrong.append(f"{role} {method} {path}: {r.status_code} {r.text[:120]}")
            if r.status_code in (401, 403) and path.startswith("/api/"):
                _error(r, r.status_code, "K601" if r.status_code == 401 else "K602")
            cells.append(str(r.status_code))
        lines.append(f"| {method} | `{path}` | {needs} | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    out = Path(os.environ.get("KHORASAN_SCREENSHOTS") or tmp_path) / "auth-matrix.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n", encoding="utf-8")
    print(f"authorisation matrix: {out}\n{table}")
    assert wrong == []


def test_auth_every_write_route_is_classified(db: Path) -> None:
    for method, path in _routes(db):
        _needs(method, path)  # asserts for an unlisted write
    listed = {k for k in NEEDS if NEEDS[k] != "public"}
    assert listed <= set(_routes(db)), "NEEDS lists a route the app lacks"


def test_auth_anonymous_and_viewer_writes_are_refused(
    client: httpx.Client, db: Path, tokens: dict[str, str]
) -> None:
    with open_store(db) as store:
        event = store.events(mentions=False, limit=1)[0]
    body = {"field": "killed_best", "value": 1, "reason": "no"}
    url = f"/api/events/{event.id}/correct"
    _error(client.post(url, json=body), 401, "K601")
    _error(client.post(url, json=body, headers=_auth(tokens, "viewer")), 403, "K602")
    _error(client.post(url, json=body, headers={"Authorization": "Bearer khm_nonsense"}),
           401, "K601")  # fmt: skip
    _error(client.post(url, json=body, headers={"Authorization": "Basic abc"}), 401, "K601")
    assert client.post(url, json=body).headers["www-authenticate"] == "Bearer"
    with open_store(db) as store:
        assert store.event(event.id).killed_best == event.killed_best  # type: ignore[union-attr]
        assert store.review_actions() == [] or all(
            a.event_id != event.id for a in store.review_actions())  # fmt: skip


def test_auth_reads_need_a_viewer_once_users_exist(client: httpx.Client, db: Path,
                                                   tokens: dict[str, str]) -> None:  # fmt: skip
    _error(client.get("/api/events"), 401, "K601")
    assert client.get("/api/events", headers=_auth(tokens, "viewer")).status_code == 200
    page = client.get("/events/abc", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fevents%2Fabc"
    _error(client.get("/api/me"), 401, "K601")
    with served(str(db), anonymous_read=True) as open_reads:
        assert open_reads.get("/api/events").status_code == 200
        assert open_reads.get("/").status_code == 200
        assert open_reads.get("/api/me").json() == {"user": None, "via": "anonymous"}
        _error(open_reads.post("/api/reports/text", json={"text": "x"}), 401, "K601")


def test_auth_no_user_means_anonymous_reads_and_no_writes(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    with open_store(path) as store:
        assert not ingest([EXAMPLES], store).failures
        event = store.events(mentions=False, limit=1)[0]
    with served(str(path)) as c:
        assert c.get("/api/events").status_code == 200 and c.get("/review").status_code == 200
        _error(c.post(f"/api/events/{event.id}/confirm"), 401, "K601")
        _error(c.post("/api/reports/text", json={"text": "anything"}), 401, "K601")


def test_auth_revoked_and_removed_tokens_stop_working(client: httpx.Client, db: Path) -> None:
    with open_store(db) as store:
        users.add(store, "script", "analyst", PASSWORD)
        first, second = users.new_token(store, "script"), users.new_token(store, "script")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {first}"}).json()["user"][
        "name"] == "script"  # fmt: skip
    with open_store(db) as store:
        assert users.revoke(store, "script", first) == 1
    _error(client.get("/api/me", headers={"Authorization": f"Bearer {first}"}), 401, "K601")
    assert client.get("/api/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    with open_store(db) as store:
        users.remove(store, "script")
    _error(client.get("/api/me", headers={"Authorization": f"Bearer {second}"}), 401, "K601")


# ------------------------------------------------------------------------ browser sessions
def _login(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, page.text
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf": csrf.group(1), "next": "/review"},
                       follow_redirects=False)  # fmt: skip


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_auth_session_cookie_and_csrf_on_every_form(db: Path) -> None:
    with open_store(db) as store:
        event = store.events(mentions=False, limit=1)[0]
    with served(str(db)) as c:
        r = _login(c, "analyst")
        assert r.status_code == 303 and r.headers["location"] == "/review"
        cookie = r.headers["set-cookie"].lower()
        assert "khm_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        page = c.get(f"/events/{event.id}")
        token = _csrf(page.text)
        # every form that writes (POST) carries the token; the search box and filters only read
        posting = page.text.count('method="post"')
        assert posting == page.text.count(f'name="csrf" value="{token}"') > 3
        form = {"action": "confirm", "reason": "checked"}
        _error(c.post(f"/events/{event.id}/review", data=form), 403, "K602")
        _error(c.post(f"/events/{event.id}/review", data={**form, "csrf": "forged"}), 403,
               "K602")  # fmt: skip
        _error(c.post(f"/api/events/{event.id}/confirm", json={}), 403, "K602")  # fetch: header
        with open_store(db) as store:
            assert not [a for a in store.review_actions() if a.event_id == event.id]
        bad = c.post(f"/events/{event.id}/review", data={"action": "correct", "csrf": token,
                                                          "field": "killed_best",
                                                          "value": "<b>many</b>"})  # fmt: skip
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
        assert "&lt;b&gt;many&lt;/b&gt;" in bad.text and "<b>many" not in bad.text
        done = c.post(f"/events/{event.id}/review", data={**form, "csrf": token},
                      follow_redirects=False)  # fmt: skip
        assert done.status_code == 303
        ok = c.post(f"/api/review/actions/{_last_action(db)}/restore",
                     headers={"X-CSRF-Token": token}, json={"reason": "undo"})  # fmt: skip
        assert ok.status_code == 200, ok.text
        # logging out ends the session on the server, not only in this browser
        session = c.cookies.get("khm_session")
        assert c.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
        c.cookies.set("khm_session", session or "")
        _error(c.get("/api/me"), 401, "K601")


def _last_action(db: Path) -> int:
    with open_store(db) as store:
        action_id = store.review_actions()[-1].id
    assert action_id is not None
    return action_id


def test_auth_login_form_checks_its_csrf_and_the_password(db: Path) -> None:
    with served(str(db)) as c:
        refused = c.post("/login", data={"name": "viewer", "password": PASSWORD, "csrf": "x"})
        _error(refused, 403, "K602")
        r = _login(c, "viewer", "wrong password")
        assert r.status_code == 401 and "Wrong name or password." in r.text
        assert "khm_session" not in c.cookies
        assert safe_next("//evil.example/x") == "/" and safe_next("https://evil.example") == "/"
        assert safe_next("/events/1") == "/events/1"


def test_auth_login_is_rate_limited(db: Path) -> None:
    with served(str(db)) as c:
        for _ in range(5):
            assert _login(c, "locked", "not it").status_code == 401
        blocked = _login(c, "locked")  # even the right password, for now
        _error(blocked, 429, "K603")
        assert _login(c, "viewer").status_code == 303  # another name is not blocked


def test_auth_login_limiter_forgets_after_the_window() -> None:
    now = [0.0]
    limiter = LoginLimiter(limit=2, window=60, clock=lambda: now[0])
    limiter.failed("a", "1.2.3.4")
    limiter.failed("a", "1.2.3.4")
    with pytest.raises(TooManyAttempts):
        limiter.check("a", "1.2.3.4")
    limiter.check("a", "5.6.7.8")
    now[0] = 61
    limiter.check("a", "1.2.3.4")


# ------------------------------------------------------------------------ review over the API
def test_auth_correction_survives_reextract_and_fuse(
    client: httpx.Client, db: Path, tokens: dict[str, str]
) -> None:
    with open_store(db) as store:
        event = max(store.events(mentions=False), key=lambda e: e.n_mentions)
    analyst = _auth(tokens, "analyst")
    new = (event.killed_best or 0) + 17
    r = client.post(
        f"/api/events/{event.id}/correct",
        headers=analyst,
        json={"field": "killed_best", "value": new, "reason": "ministry update"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["action"]["user"] == "analyst" and r.json()["events"][0]["killed_best"] == new
    with open_store(db) as store:
        reextract(store)
        fuse(store)
    after = client.get(f"/api/events/{event.id}", headers=analyst).json()
    assert after["killed_best"] == new
    provenance = after["detail"]["review"]["corrections"]["killed_best"]
    assert provenance["machine"] == event.killed_best and provenance["user"] == "analyst"
    assert provenance["reason"] == "ministry update"
    history = client.get(f"/api/events/{event.id}/history", headers=analyst).json()["history"]
    assert [(h["action"], h["field"], h["after"], h["state"]) for h in history][-1] == (
        "correct",
        "killed_best",
        new,
        "active",
    )


def test_auth_merge_and_split_round_trip(client: httpx.Client, db: Path,
                                         tokens: dict[str, str]) -> None:  # fmt: skip
    analyst = _auth(tokens, "analyst")
    with open_store(db) as store:
        first, second = [e for e in store.events(mentions=True) if e.review_status is None][:2]
    mine = sorted(m["id"] for m in first.mentions or [])
    theirs = sorted(m["id"] for m in second.mentions or [])
    merged = client.post(f"/api/events/{first.id}/merge", headers=analyst,
                         json={"other": second.id, "reason": "one attack"})  # fmt: skip
    assert merged.status_code == 200, merged.text
    [one] = merged.json()["events"]
    assert sorted(m["id"] for m in one["mentions"]) == sorted(mine + theirs)
    split = client.post(
        f"/api/events/{one['id']}/split",
        headers=analyst,
        json={"mentions": theirs, "reason": "two attacks after all"},
    )
    assert split.status_code == 200, split.text
    parts = sorted(sorted(m["id"] for m in e["mentions"]) for e in split.json()["events"])
    assert parts == sorted([mine, theirs])
    # undoing the split brings the merged event back; undoing the merge, the two again
    split_id, merge_id = split.json()["action"]["id"], merged.json()["action"]["id"]
    undo = client.post(f"/api/review/actions/{split_id}/restore", headers=analyst, json={})
    assert [len(e["mentions"]) for e in undo.json()["events"]] == [len(mine) + len(theirs)]
    undo = client.post(f"/api/review/actions/{merge_id}/restore", headers=analyst, json={})
    assert len(undo.json()["events"]) == 2
    again = client.post(f"/api/review/actions/{merge_id}/restore", headers=analyst, json={})
    assert _error(again, 422, "K403")["field"] == "action"


def test_auth_reject_mention_confirm_and_the_queue(client: httpx.Client, db: Path,
                                                   tokens: dict[str, str]) -> None:  # fmt: skip
    analyst = _auth(tokens, "analyst")
    queue = client.get("/api/review/queue", params={"limit": 3}, headers=analyst).json()
    assert len(queue["events"]) == 3
    top = queue["events"][0]
    assert client.post(f"/api/events/{top['id']}/confirm", headers=analyst).status_code == 200
    after = client.get("/api/review/queue", params={"limit": 50}, headers=analyst).json()
    assert top["id"] not in [e["id"] for e in after["events"]]
    bad = client.post(f"/api/events/{top['id']}/correct", headers=analyst,
                      json={"field": "killed_best", "value": "many"})  # fmt: skip
    assert _error(bad, 422, "K403")["field"] == "killed_best"
    _error(client.post("/api/events/ffffffffffff/confirm", headers=analyst), 404, "K310")


def test_auth_change_log_export(client: httpx.Client, db: Path, tokens: dict[str, str]) -> None:
    viewer = _auth(tokens, "viewer")
    rows = client.get("/api/review/changes", headers=viewer).json()["changes"]
    assert rows and {"id", "at", "user", "action", "before", "after", "state"} <= set(rows[0])
    csv = client.get("/api/review/changes", params={"format": "csv"}, headers=viewer)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("id,at,user,action,target,event_id,field")
    assert len(csv.text.splitlines()) >= len(rows) + 1
    later = client.get("/api/review/changes", params={"since": "2999-01-01"}, headers=viewer)
    assert later.json() == {"changes": []}


# ------------------------------------------------------------------------ reports
REPORT = ("KABUL, 4 March 2024 - A suicide bomber killed 14 people and wounded 31 at a market "
          "in Jalalabad, Nangarhar province, on Monday, officials said. Islamic State Khorasan "
          "Province claimed the attack.")  # fmt: skip


def test_auth_reports_by_text_file_and_url(client: httpx.Client, tokens: dict[str, str]) -> None:
    analyst = _auth(tokens, "analyst")
    _error(client.post("/api/reports/text", json={"text": REPORT},
                       headers=_auth(tokens, "viewer")), 403, "K602")  # fmt: skip
    r = client.post(
        "/api/reports/text", headers=analyst, json={"text": REPORT, "title": "Market attack"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["ingested"] == 1 and len(body["documents"]) == 1
    assert [e["killed_best"] for e in body["events"]] == [14]
    again = client.post("/api/reports/text", headers=analyst, json={"text": REPORT}).json()
    assert again["summary"]["already_stored"] == 1 and again["events"] == body["events"]
    html = f"<html><body><article><p>{REPORT.replace('14', '9')}</p></article></body></html>"
    up = client.post("/api/reports/file", headers=analyst,
                     files={"file": ("market.html", html.encode(), "text/html")})  # fmt: skip
    assert up.status_code == 200, up.text
    assert 9 in [e["killed_best"] for e in up.json()["events"]] or up.json()["events"]
    big = client.post("/api/reports/file", headers=analyst,
                      files={"file": ("big.txt", b"a " * 1_000_001, "text/plain")})  # fmt: skip
    assert _error(big, 400, "K101")["message"].startswith("big.txt")
    for url in ("http://127.0.0.1/x", "file:///etc/passwd", "/etc/passwd"):
        _error(client.post("/api/reports/url", headers=analyst, json={"url": url}), 400,
               "K103")  # fmt: skip
    _error(client.post("/api/reports/text", headers=analyst, json={"text": "  "}), 400, "K101")


def test_auth_admin_manages_users_over_the_api(client: httpx.Client,
                                               tokens: dict[str, str]) -> None:  # fmt: skip
    admin = _auth(tokens, "admin")
    added = client.post(
        "/api/users", headers=admin, json={"name": "newbie", "role": "viewer", "password": PASSWORD}
    )
    assert added.status_code == 200 and added.json()["user"]["role"] == "viewer"
    assert "password" not in json.dumps(added.json()).replace("has_password", "")
    token = client.post("/api/users/newbie/tokens", headers=admin).json()["token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["user"]["name"] == "newbie"
    _error(client.post("/api/users", headers=admin,
                       json={"name": "newbie", "role": "viewer", "password": PASSWORD}),
           422, "K404")  # fmt: skip
    assert client.delete("/api/users/newbie", headers=admin).json() == {"removed": "newbie"}
    _error(client.get("/api/me", headers={"Authorization": f"Bearer {token}"}), 401, "K601")


# ------------------------------------------------------------------------ khorasan serve
def test_auth_serve_refuses_a_public_host_without_an_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    ran: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: ran.append(host))
    path = tmp_path / "k.db"
    open_store(path).close()
    runner = CliRunner()
    refused = runner.invoke(cli, ["serve", "--db", str(path), "--host", "0.0.0.0"])
    assert refused.exit_code == 1 and ran == []
    assert "refusing to serve beyond this machine without an admin user" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    assert runner.invoke(cli, ["serve", "--db", str(path)]).exit_code == 0  # loopback: fine
    with open_store(path) as store:
        users.add(store, "ana", "analyst", PASSWORD)
    assert runner.invoke(cli, ["serve", "--db", str(path), "--host", "0.0.0.0"]).exit_code == 1
    with open_store(path) as store:
        users.add(store, "root", "admin", PASSWORD)
    assert runner.invoke(cli, ["serve", "--db", str(path), "--host", "0.0.0.0"]).exit_code == 0
    assert ran == ["127.0.0.1", "0.0.0.0"]
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")


def test_auth_review_page_takes_the_event_filters(client: httpx.Client, db: Path,
                                                  tokens: dict[str, str]) -> None:  # fmt: skip
    viewer = _auth(tokens, "viewer")
    with open_store(db) as store:
        iran = {e.id for e in store.review_queue(limit=None, country=["Iran"])}
    page = client.get("/review", params={"country": "Iran"}, headers=viewer)
    assert page.status_code == 200
    shown = re.search(r'data-event="([^"]+)"[^>]*data-count="(\d+)"', page.text)
    assert iran and shown and shown.group(1) in iran and int(shown.group(2)) == len(iran)
    assert 'value="Iran"' in page.text
    bad = client.get("/review", params={"since": "2024-13"}, headers=viewer)
    assert bad.status_code == 400 and 'id="queue-error"' in bad.text
