"""Every error Khorasan Monitor raises on purpose, each with a stable code.

Hierarchy and codes (the table the README's "Errors" section repeats; a test pins it)::

    K000 KhorasanError            base; carries the input it concerns (``subject``)
    K100 ├── InputError           a document or source cannot be taken in
    K101 │   ├── UnreadableInput  binary, undecodable, empty, too large, not found
    K102 │   ├── BadMetadata      a sidecar or JSONL record is malformed
    K103 │   └── FetchError       a URL or feed could not be fetched (or was refused)
    K200 ├── KnowledgeBaseError   a knowledge-base data file has a bad row (file, line, field)
    K201 │   └── DataFileError    an extractor data file (cues, word lists) is malformed
    K300 ├── StoreError           the database cannot be opened, read or written
    K310 ├── NotFoundError        no stored event, document or page by that id
    K400 ├── ConfigError          a setting or option has an invalid value
    K401 │   ├── FilterError      a query filter is unknown or malformed (``field`` names it)
    K402 │   ├── ExportError      an export cannot be written as asked
    K403 │   ├── ReviewError      a review action names a field, value or mention it cannot take
    K404 │   ├── UserError        a user or role cannot be added or changed as asked
    K410 │   └── AlertError       an alert rule cannot be added, found or used as asked
    K500 ├── EvalError            gold files or an evaluation baseline cannot be used
    K600 ├── AccessError          a request is refused by access control
    K601 │   ├── Unauthenticated  no credentials, or bad ones (HTTP 401)
    K602 │   ├── Forbidden        the user's role does not allow it, or a CSRF check failed (403)
    K603 │   └── TooManyAttempts  too many failed logins for that name from that address (429)
    K700 ├── DeliveryError        an alert could not be delivered (the log keeps why)
    K800 └── BackupError          a backup cannot be written, or a restore cannot be done as asked

The CLI turns any of them into one line, ``Error: <input>: <reason>``; the REST API into
``{"error": {"code", "message", "field"}}``. Codes never change meaning; new errors get new codes.
"""

from __future__ import annotations

__all__ = [
    "ERROR_CODES",
    "AccessError",
    "AlertError",
    "BackupError",
    "BadMetadata",
    "ConfigError",
    "DataFileError",
    "DeliveryError",
    "EvalError",
    "ExportError",
    "FetchError",
    "FilterError",
    "Forbidden",
    "InputError",
    "KhorasanError",
    "KnowledgeBaseError",
    "NotFoundError",
    "ReviewError",
    "StoreError",
    "TooManyAttempts",
    "Unauthenticated",
    "UnreadableInput",
    "UserError",
]


class KhorasanError(Exception):
    """Base class. ``subject`` names the input (path, URL, file:line, option) the error
    concerns; ``reason`` says what is wrong, in one line; ``code`` is stable (see above)."""

    code = "K000"

    def __init__(self, subject: str, reason: str, *, kind: str = "error") -> None:
        self.subject = subject
        self.reason = reason
        self.kind = kind
        super().__init__(f"{subject}: {reason}")

    def as_dict(self) -> dict[str, str | None]:
        """The REST API's error body: ``{"code", "message", "field"}``."""
        return {"code": self.code, "message": f"{self.subject}: {self.reason}",
                "field": getattr(self, "field", None)}  # fmt: skip


class InputError(KhorasanError):
    """A document or source cannot be ingested; the batch goes on without it."""

    code = "K100"


class UnreadableInput(InputError):
    """Raised for binary, undecodable, empty, missing or oversized inputs."""

    code = "K101"


class BadMetadata(InputError):
    """Raised for a malformed sidecar ``.meta.json`` or an invalid JSONL line."""

    code = "K102"


class FetchError(InputError):
    """Raised when a URL or feed cannot be fetched, is refused, or is not what it claims."""

    code = "K103"


class KnowledgeBaseError(KhorasanError):
    """Raised when a knowledge-base file has a bad row; ``subject`` is ``file:line``."""

    code = "K200"


class DataFileError(KnowledgeBaseError):
    """Raised when an extractor's data file (cue patterns, word lists) is malformed;
    ``subject`` is the file name, ``reason`` names the key and what is wrong with it."""

    code = "K201"


class StoreError(KhorasanError):
    """Raised when the database cannot be opened, migrated, read or written."""

    code = "K300"


class NotFoundError(KhorasanError, LookupError):
    """Raised when no stored event, document or page has the id asked for (or a prefix is
    ambiguous); ``subject`` is the id."""

    code = "K310"


class ConfigError(KhorasanError, ValueError):
    """Raised for an invalid setting or option value (a ValueError too, for callers that
    catch the builtin)."""

    code = "K400"


class FilterError(ConfigError):
    """Raised for a bad query filter (an unknown name or a malformed date); ``subject`` is
    the filter's name, kept as ``field``."""

    code = "K401"

    @property
    def field(self) -> str:
        return self.subject


class ExportError(ConfigError):
    """Raised when an export cannot be made as asked (format, missing output, library)."""

    code = "K402"


class ReviewError(ConfigError):
    """Raised for a review action that cannot be taken as asked (a field that cannot be
    corrected, a value of the wrong kind, a mention not in the event); ``subject`` names the
    field or the input, kept as ``field``."""

    code = "K403"

    @property
    def field(self) -> str:
        return self.subject


class UserError(ConfigError):
    """Raised when a user cannot be added or changed as asked (a taken name, an unknown role,
    an empty password, the last admin removed); ``subject`` names the user or the field."""

    code = "K404"

    @property
    def field(self) -> str:
        return self.subject


class AlertError(ConfigError):
    """Raised for an alert rule that cannot be taken as asked (a name already used or not
    found, a channel without what it needs, a refused webhook address); ``subject`` names
    the rule or the option."""

    code = "K410"


class EvalError(KhorasanError, ValueError):
    """Raised when gold files or an evaluation baseline cannot be read or used."""

    code = "K500"


class AccessError(KhorasanError):
    """Raised when access control refuses a request; ``subject`` names the route or user."""

    code = "K600"


class Unauthenticated(AccessError):
    """No credentials where some are needed, or a bad password, token or session (HTTP 401)."""

    code = "K601"


class Forbidden(AccessError):
    """The user's role does not allow the request, or a form's CSRF token is missing or
    wrong (HTTP 403)."""

    code = "K602"


class TooManyAttempts(AccessError):
    """Too many failed logins for one name from one address in the window (HTTP 429)."""

    code = "K603"


class DeliveryError(KhorasanError):
    """Raised when an alert cannot be delivered to its channel; ``subject`` names the
    channel. ``permanent``: retrying would not help (a 4xx answer, a refused login)."""

    code = "K700"

    def __init__(self, subject: str, reason: str, *, permanent: bool = False) -> None:
        super().__init__(subject, reason, kind="delivery_failed")
        self.permanent = permanent


class BackupError(KhorasanError):
    """Raised when a backup cannot be written or a restore cannot be done as asked (the file
    exists, is not a backup, the store is not empty, ``pg_dump`` is missing or failed);
    ``subject`` names the file, the store or the tool."""

    code = "K800"


def _codes() -> dict[str, type[KhorasanError]]:
    out: dict[str, type[KhorasanError]] = {}
    todo: list[type[KhorasanError]] = [KhorasanError]
    while todo:
        cls = todo.pop()
        out[cls.code] = cls
        todo += cls.__subclasses__()
    return dict(sorted(out.items()))


ERROR_CODES = _codes()
"""Every code and the class that carries it."""
