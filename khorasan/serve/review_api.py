"""The API's writes, each behind access control (:mod:`khorasan.serve.auth`): review actions
and the review queue, event history and the change log, reports added by URL, file or text,
and user management. Thin: every route calls the library (``khorasan.review``,
``khorasan.pipeline.add_report``, ``khorasan.users``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from khorasan import review, users
from khorasan.analyse.scope import resolve_filters
from khorasan.errors import UnreadableInput
from khorasan.model import ROLES, ReviewAction, User
from khorasan.pipeline import REPORT_MAX_BYTES, add_report
from khorasan.serve.app import MAX_PAGE, Filters, StoreDep, Text
from khorasan.serve.auth import caller, require
from khorasan.store import Store

__all__ = ["install_review_api"]

Analyst = Annotated[User, Depends(require("analyst"))]
Admin = Annotated[User, Depends(require("admin"))]


class Reason(BaseModel):
    reason: str = Field("", max_length=2000, description="Why (kept in the history).")


class Correction(Reason):
    field: str = Field(description="The field to set, e.g. killed_best, date, perpetrator.")
    value: Any = Field(description="The new value; null or empty clears the field.")


class Merge(Reason):
    other: str = Field(description="The event to join into this one (id or prefix).")


class Split(Reason):
    mentions: list[int] = Field(description="The mention ids that leave for a new event.")


class ReportUrl(BaseModel):
    url: str = Field(max_length=2000, description="An http(s) page (public addresses only).")


class ReportText(BaseModel):
    text: str = Field(description=f"The report's text (at most {REPORT_MAX_BYTES} bytes).")
    title: str | None = Field(None, max_length=500)
    published: str | None = Field(None, description="Its date, YYYY-MM-DD.", max_length=10)


class NewUser(BaseModel):
    name: str = Field(max_length=64)
    role: str = Field(description="viewer, analyst or admin", pattern="^(" + "|".join(ROLES) + ")$")
    password: str = Field(max_length=1000)


def _done(store: Store, action: ReviewAction) -> dict[str, Any]:
    return {"action": action.as_dict(),
            "events": [e.as_dict() for e in review.events_of(store, action)]}  # fmt: skip


def install_review_api(app: FastAPI) -> None:  # noqa: C901 - one route each, all thin
    # ---------------------------------------------------------------------- reading
    @app.get("/api/me", tags=["users"])
    def me(request: Request) -> dict[str, Any]:
        """Who the server takes the caller for (``user`` null: anonymous)."""
        who = caller(request)
        return {"user": who.user.as_dict() if who.user else None, "via": who.via}

    @app.get("/api/review/queue", tags=["review"])
    def review_queue(store: StoreDep, filters: Filters,
                     limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
                     ) -> dict[str, Any]:  # fmt: skip
        """Events no analyst has acted on, least confident first, then the deadliest; the
        filters of ``/api/events``."""
        found = review.queue(store, limit=limit, **filters.refinements,
                             **resolve_filters(filters.store_filters))  # fmt: skip
        return {"events": [e.as_dict() for e in found]}

    @app.get("/api/events/{event_id}/history", tags=["review"])
    def event_history(store: StoreDep, event_id: str) -> dict[str, Any]:
        """Every review action on the event or its mentions, oldest first, with its state
        (active, undone, orphaned, restore)."""
        return {"history": review.history(store, event_id)}

    @app.get("/api/review/changes", tags=["review"])
    def changes(store: StoreDep, since: Text = None, until: Text = None,
                format: Annotated[str, Query(pattern="^(csv|json)$")] = "json",
                ) -> Response:  # fmt: skip
        """Every review action taken in a period (``since``/``until``: ISO dates of when it
        was taken), as JSON or a CSV download: a published dataset's change log."""
        rows = review.changes(store, since=since, until=until)
        if format == "csv":
            return Response(review.changes_csv(rows), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition":
                                     'attachment; filename="khorasan-changes.csv"'})  # fmt: skip
        import json

        return Response(json.dumps({"changes": rows}, ensure_ascii=False),
                        media_type="application/json")  # fmt: skip

    # ---------------------------------------------------------------------- review actions
    @app.post("/api/events/{event_id}/confirm", tags=["review"])
    def confirm(store: StoreDep, user: Analyst, event_id: str,
                body: Reason | None = None) -> dict[str, Any]:  # fmt: skip
        """Mark an event checked and right as it stands."""
        reason = body.reason if body else ""
        return _done(store, review.confirm(store, event_id, user=user.name, reason=reason))

    @app.post("/api/events/{event_id}/correct", tags=["review"])
    def correct(store: StoreDep, user: Analyst, event_id: str,
                body: Correction) -> dict[str, Any]:  # fmt: skip
        """Set one field of an event; the machine's value stays beside it."""
        return _done(store, review.correct(store, event_id, body.field, body.value,
                                           user=user.name, reason=body.reason))  # fmt: skip

    @app.post("/api/events/{event_id}/reject", tags=["review"])
    def reject(store: StoreDep, user: Analyst, event_id: str,
               body: Reason | None = None) -> dict[str, Any]:  # fmt: skip
        """Mark an event false or out of scope (it leaves lists and tallies)."""
        reason = body.reason if body else ""
        return _done(store, review.reject(store, event_id, user=user.name, reason=reason))

    @app.post("/api/events/{event_id}/merge", tags=["review"])
    def merge(store: StoreDep, user: Analyst, event_id: str, body: Merge) -> dict[str, Any]:
        """Join another event into this one (one real incident)."""
        return _done(store, review.merge(store, event_id, body.other, user=user.name,
                                         reason=body.reason))  # fmt: skip

    @app.post("/api/events/{event_id}/split", tags=["review"])
    def split(store: StoreDep, user: Analyst, event_id: str, body: Split) -> dict[str, Any]:
        """Move the chosen mentions out of the event into a new one."""
        return _done(store, review.split(store, event_id, body.mentions, user=user.name,
                                         reason=body.reason))  # fmt: skip

    @app.post("/api/mentions/{mention_id}/correct", tags=["review"])
    def correct_mention(store: StoreDep, user: Analyst, mention_id: int,
                        body: Correction) -> dict[str, Any]:  # fmt: skip
        """Set one field of one mention (what one source said)."""
        return _done(store, review.correct_mention(store, mention_id, body.field, body.value,
                                                   user=user.name,
                                                   reason=body.reason))  # fmt: skip

    @app.post("/api/mentions/{mention_id}/reject", tags=["review"])
    def reject_mention(store: StoreDep, user: Analyst, mention_id: int,
                       body: Reason | None = None) -> dict[str, Any]:  # fmt: skip
        """Take a misread mention out of its event."""
        reason = body.reason if body else ""
        return _done(store, review.reject_mention(store, mention_id, user=user.name,
                                                  reason=reason))  # fmt: skip

    @app.post("/api/review/actions/{action_id}/restore", tags=["review"])
    def restore(store: StoreDep, user: Analyst, action_id: int,
                body: Reason | None = None) -> dict[str, Any]:  # fmt: skip
        """Undo an earlier review action (a new action in the log)."""
        reason = body.reason if body else ""
        return _done(store, review.restore(store, action_id, user=user.name, reason=reason))

    # ---------------------------------------------------------------------- reports
    @app.post("/api/reports/url", tags=["reports"])
    def report_url(store: StoreDep, user: Analyst, body: ReportUrl) -> dict[str, Any]:
        """Fetch a page (ingest's safety rules), extract, store and fuse it: the new or
        updated events."""
        return add_report(store, url=body.url).as_dict()

    @app.post("/api/reports/text", tags=["reports"])
    def report_text(store: StoreDep, user: Analyst, body: ReportText) -> dict[str, Any]:
        """Add pasted text as a report: the new or updated events."""
        return add_report(store, text=body.text, title=body.title,
                          published=body.published).as_dict()  # fmt: skip

    @app.post("/api/reports/file", tags=["reports"])
    async def report_file(
        store: StoreDep, user: Analyst, file: Annotated[UploadFile, File()],
        title: Annotated[str | None, Form()] = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Add an uploaded file (text or HTML) as a report: the new or updated events."""
        data = await file.read(REPORT_MAX_BYTES + 1)
        if len(data) > REPORT_MAX_BYTES:
            raise UnreadableInput(
                file.filename or "file", f"over the {REPORT_MAX_BYTES}-byte limit", kind="too_large"
            )
        return add_report(store, data=data, name=file.filename or "upload",
                          title=title).as_dict()  # fmt: skip

    # ---------------------------------------------------------------------- users (admins)
    @app.get("/api/users", tags=["users"])
    def list_users(store: StoreDep, user: Admin) -> dict[str, Any]:
        """Every user with role and live token count."""
        return {"users": [u.as_dict() for u in store.users()]}

    @app.post("/api/users", tags=["users"])
    def add_user(store: StoreDep, user: Admin, body: NewUser) -> dict[str, Any]:
        """Add a user with a role and password."""
        return {"user": users.add(store, body.name, body.role, body.password).as_dict()}

    @app.delete("/api/users/{name}", tags=["users"])
    def remove_user(store: StoreDep, user: Admin, name: str) -> dict[str, Any]:
        """Remove a user with their tokens and sessions."""
        users.remove(store, name)
        return {"removed": name}

    @app.post("/api/users/{name}/tokens", tags=["users"])
    def new_token(store: StoreDep, user: Admin, name: str) -> dict[str, Any]:
        """A new API token for the user (shown once)."""
        return {"token": users.new_token(store, name)}
