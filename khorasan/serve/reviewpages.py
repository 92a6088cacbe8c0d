"""The pages of people and review: log in and out (``/login``, ``/logout``), the review queue
(``/review``: one event after another, confirm, correct or reject with the keyboard), the
review forms of the event page (``POST /events/{id}/review``, ``POST /review/actions/{id}/
restore``) and adding a report (``/add``: a URL, a file or pasted text).

Every form carries a CSRF token: the session's (checked by :func:`khorasan.serve.auth.require`)
or, on the login form, before there is a session, a random one also set as a cookie. Routes
stay thin: the library (``khorasan.review``, ``khorasan.users``, ``add_report``) does the work.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from khorasan import review, users
from khorasan.analyse.scope import resolve_filters
from khorasan.errors import Forbidden, KhorasanError, NotFoundError, ReviewError
from khorasan.model import ReviewAction, User
from khorasan.pipeline import REPORT_MAX_BYTES, add_report
from khorasan.serve.auth import SESSION_COOKIE, caller, require
from khorasan.store import Store

__all__ = ["QUEUE_SHOWN", "install_review_pages", "safe_next"]

Render = Callable[..., HTMLResponse]
Analyst = Annotated[User, Depends(require("analyst"))]
LOGIN_COOKIE = "khm_login"  # the login form's CSRF token, before there is a session
QUEUE_SHOWN = 50
QUEUE_FILTERS = ("since", "until", "country", "admin1", "perpetrator", "attack_type",
                 "target_type")  # the queue page's filters, as the dashboard's  # fmt: skip
ACTIONS = ("confirm", "correct", "reject", "merge", "split", "reject_mention",
           "correct_mention")  # fmt: skip


def safe_next(target: str | None, default: str = "/") -> str:
    """A redirect target only when it is a path on this site (never ``//host`` or a URL)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _cookie(response: Response, request: Request, name: str, value: str, **extra: Any) -> None:
    response.set_cookie(name, value, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https", **extra)  # fmt: skip


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def install_review_pages(app: FastAPI, render: Render) -> None:  # noqa: C901 - thin routes
    # ------------------------------------------------------------------------ log in and out
    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> Response:
        token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        target = safe_next(request.query_params.get("next"))
        response = render(request, "login.html", login_csrf=token, error=None, next=target,
                          login_name="")  # fmt: skip
        _cookie(response, request, LOGIN_COOKIE, token, max_age=3600)
        return response

    @app.post("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await request.form()
        name, password = _text(form, "name"), form.get("password")
        target = safe_next(_text(form, "next"))
        expected = request.cookies.get(LOGIN_COOKIE, "")
        given = _text(form, "csrf")
        if not expected or not hmac.compare_digest(given, expected):
            raise Forbidden("csrf", "missing or wrong CSRF token: reload the page and try again")
        address = request.client.host if request.client else ""
        limiter = request.app.state.login_limiter
        limiter.check(name, address)  # 429 after too many failures
        store: Store = request.app.state.store
        user = users.check_password(store, name, password if isinstance(password, str) else "")
        if user is None:
            limiter.failed(name, address)
            return render(request, "login.html", 401, login_csrf=expected, next=target,
                          error="Wrong name or password.", login_name=name)  # fmt: skip
        limiter.succeeded(name, address)
        secret, _csrf = users.new_session(store, user)
        response = RedirectResponse(target, status_code=303)
        _cookie(response, request, SESSION_COOKIE, secret, max_age=users.SESSION_HOURS * 3600)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request, user: Annotated[User, Depends(require("viewer"))],
                     ) -> Response:  # fmt: skip
        who = caller(request)
        if who.session:
            users.end_session(request.app.state.store, who.session)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # ------------------------------------------------------------------------ the queue
    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page(request: Request) -> Response:
        store: Store = request.app.state.store
        params = request.query_params
        values = {k: params[k].strip() for k in QUEUE_FILTERS if params.get(k, "").strip()}
        raw = params.get("at") or "0"
        error = None
        try:
            queue = review.queue(store, limit=QUEUE_SHOWN, **resolve_filters(values))
        except KhorasanError as exc:
            error, queue = str(exc), []
        at = min(max(int(raw) if raw.isdigit() else 0, 0), max(len(queue) - 1, 0))
        event = store.event(queue[at].id) if queue else None  # with its mentions
        sentences = [(m.get("id"), m.get("outlet"), m.get("evidence") or "")
                     for m in (event.mentions or [])] if event else []  # fmt: skip

        def href(i: int) -> str:
            return "/review?" + urlencode({**values, "at": i})

        return render(request, "review.html", 400 if error else 200, queue=queue, at=at,
                      event=event, fields=review.EVENT_FIELDS, sentences=sentences,
                      values=values, error=error, href=href)  # fmt: skip

    # ------------------------------------------------------------------------ review forms
    @app.post("/events/{event_id}/review", include_in_schema=False)
    async def review_form(request: Request, event_id: str, user: Analyst) -> Response:
        form = await request.form()
        store: Store = request.app.state.store
        action, reason = _text(form, "action"), _text(form, "reason")
        try:
            done = _act(store, event_id, action, form, user.name, reason)
        except (ReviewError, NotFoundError) as exc:  # a bad value: said on a page, not JSON
            return render(request, "form_error.html", 404 if isinstance(exc, NotFoundError)
                          else 422, message=str(exc), back=f"/events/{event_id}")  # fmt: skip
        target = safe_next(_text(form, "next"), f"/events/{event_id}")
        if target.split("#")[0] == f"/events/{event_id}" and store.event(event_id) is None:
            # merged, split or re-fused under a new id: the event that holds its mentions now
            now = review.events_of(store, done)
            target = f"/events/{now[0].id}" if now else "/review"
        return RedirectResponse(target, status_code=303)

    @app.post("/review/actions/{action_id}/restore", include_in_schema=False)
    async def restore_form(request: Request, action_id: int, user: Analyst) -> Response:
        form = await request.form()
        store: Store = request.app.state.store
        try:
            done = review.restore(store, action_id, user=user.name, reason=_text(form, "reason"))
        except (ReviewError, NotFoundError) as exc:
            return render(request, "form_error.html", 404 if isinstance(exc, NotFoundError)
                          else 422, message=str(exc), back="/review")  # fmt: skip
        events = review.events_of(store, done)
        target = f"/events/{events[0].id}#history" if events else "/review"
        return RedirectResponse(safe_next(_text(form, "next"), target), status_code=303)

    # ------------------------------------------------------------------------ add a report
    @app.get("/add", response_class=HTMLResponse, include_in_schema=False)
    def add_page(request: Request) -> Response:
        return render(request, "add.html", report=None, error=None,
                      max_bytes=REPORT_MAX_BYTES)  # fmt: skip

    @app.post("/add", response_class=HTMLResponse, include_in_schema=False)
    async def add_form(request: Request, user: Analyst) -> Response:
        form = await request.form()
        store: Store = request.app.state.store
        upload = form.get("file")
        url, text, title = _text(form, "url"), _text(form, "text"), _text(form, "title")
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                data = await upload.read(REPORT_MAX_BYTES + 1)
                report = add_report(store, data=data, name=upload.filename, title=title or None)
            elif url:
                report = add_report(store, url=url)
            else:
                report = add_report(store, text=text, title=title or None)
        except KhorasanError as exc:
            return render(request, "add.html", 400, report=None, error=str(exc),
                          max_bytes=REPORT_MAX_BYTES)  # fmt: skip
        return render(request, "add.html", report=report, error=None,
                      max_bytes=REPORT_MAX_BYTES)  # fmt: skip


def _act(store: Store, event_id: str, action: str, form: Any, user: str,
         reason: str) -> ReviewAction:  # fmt: skip
    """One review form's action, by the library."""
    field, value, mention = _text(form, "field"), _text(form, "value"), _text(form, "mention")
    if action == "confirm":
        return review.confirm(store, event_id, user=user, reason=reason)
    if action == "correct":
        return review.correct(store, event_id, field, value, user=user, reason=reason)
    if action == "reject":
        return review.reject(store, event_id, user=user, reason=reason)
    if action == "merge":
        return review.merge(store, event_id, _text(form, "other"), user=user, reason=reason)
    if action == "split":
        ids = [int(x) for x in _text(form, "mentions").replace(",", " ").split() if x.isdigit()]
        return review.split(store, event_id, ids, user=user, reason=reason)
    if action in ("correct_mention", "reject_mention") and mention.isdigit():
        review.check_mention_of(store, event_id, int(mention))
        if action == "reject_mention":
            return review.reject_mention(store, int(mention), user=user, reason=reason)
        return review.correct_mention(store, int(mention), field, value, user=user,
                                      reason=reason)  # fmt: skip
    raise ReviewError("action", f"{action!r} is not one of {', '.join(ACTIONS)}")
