"""Delivery: one document to one rule's channel, retried with backoff, the outcome returned.

A webhook POST carries ``X-Khorasan-Signature: sha256=<hex HMAC-SHA256 of the body with the
rule's secret>`` and ``X-Khorasan-Delivery`` (the same on every retry, so a receiver can drop
a repeat). Its address is checked again at every send (no private address unless the rule
allows it) and redirects are not followed. Email is plain text with the JSON attached.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import smtplib
import ssl
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from khorasan.alerts.messages import email_text, encode
from khorasan.alerts.rules import AlertRule
from khorasan.errors import DeliveryError, FetchError
from khorasan.ingest.fetch import USER_AGENT, post_url
from khorasan.ingest.options import IngestOptions

__all__ = ["DeliveryPolicy", "Outcome", "deliver", "send_once", "signature"]

_RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """``attempts`` tries per alert, waiting ``backoff`` seconds, then twice that, ...;
    ``timeout`` seconds per try."""

    attempts: int = 3
    backoff: float = 2.0
    timeout: float = 10.0


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str  # sent or failed
    attempts: int
    error: str | None = None


def signature(secret: str, body: bytes) -> str:
    """The ``X-Khorasan-Signature`` header's value for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _webhook(rule: AlertRule, document: dict[str, Any], timeout: float) -> None:
    url = str(rule.target["url"])
    body = encode(document)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Khorasan-Event": str(document["kind"]),
        "X-Khorasan-Delivery": str(document["delivery_id"]),
        "X-Khorasan-Signature": signature(str(rule.target.get("secret") or ""), body),
    }
    # the address is checked again at every send, at connection time: a name may resolve
    # elsewhere since the rule was saved (or between a check and a connection)
    options = IngestOptions(allow_private=bool(rule.target.get("allow_private")),
                            timeout=timeout, deadline=2 * timeout)  # fmt: skip
    try:
        response = post_url(url, body, headers, options)
    except FetchError as exc:
        raise DeliveryError(url, exc.reason, permanent=exc.kind == "fetch_refused") from exc
    if response.is_success:
        return
    reason = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    raise DeliveryError(url, reason, permanent=response.status_code not in _RETRY_STATUSES)


def _email(rule: AlertRule, document: dict[str, Any], timeout: float) -> None:
    t = rule.target
    where = f"smtp://{t['host']}:{t['port']}"
    subject, body = email_text(document)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = str(t["sender"])
    message["To"] = str(t["to"])
    message["X-Khorasan-Delivery"] = str(document["delivery_id"])
    message.set_content(body)  # text/plain: nothing in it is rendered
    message.add_attachment(encode(document), maintype="application", subtype="json",
                           filename="alert.json")  # fmt: skip
    password = None
    if t.get("user"):
        password = os.environ.get(str(t["password_env"]))
        if password is None:
            raise DeliveryError(where, f"environment variable {t['password_env']} (the SMTP "
                                "password) is not set", permanent=True)  # fmt: skip
    # the system's CAs, or the rule's own (a relay with a private CA)
    context = ssl.create_default_context(cafile=t.get("ca_file") or None)
    try:
        smtp: smtplib.SMTP
        if t["tls"] == "ssl":
            smtp = smtplib.SMTP_SSL(str(t["host"]), int(t["port"]), timeout=timeout,
                                    context=context)  # fmt: skip
        else:
            smtp = smtplib.SMTP(str(t["host"]), int(t["port"]), timeout=timeout)
        with smtp:
            if t["tls"] == "starttls":
                smtp.starttls(context=context)
            if password is not None:
                smtp.login(str(t["user"]), password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(where, f"login refused: {exc.smtp_code}", permanent=True) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(where, f"recipient refused: {t['to']}", permanent=True) from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryError(where, f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}",
                            permanent=exc.smtp_code >= 500) from exc  # fmt: skip
    except ssl.SSLCertVerificationError as exc:  # a retry meets the same certificate
        raise DeliveryError(where, f"certificate refused: {exc.verify_message or exc}",
                            permanent=True) from exc  # fmt: skip
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(where, f"{exc.__class__.__name__}: {exc}") from exc


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _file(rule: AlertRule, document: dict[str, Any], timeout: float) -> None:
    line = encode(document).decode("ascii") + "\n"
    path = str(rule.target["path"])
    if path == "-":
        sys.stdout.write(line)
        sys.stdout.flush()
        return
    try:
        with open(path, "a", encoding="utf-8") as out:
            out.write(line)
    except OSError as exc:
        raise DeliveryError(path, f"cannot append: {exc.strerror or exc}") from exc


_SENDERS: dict[str, Callable[[AlertRule, dict[str, Any], float], None]] = {
    "webhook": _webhook, "email": _email, "file": _file}  # fmt: skip


def send_once(rule: AlertRule, document: dict[str, Any], timeout: float = 10.0) -> None:
    """One try; raises :class:`DeliveryError` (``permanent`` when a retry would not help)."""
    _SENDERS[rule.channel](rule, document, timeout)


def deliver(
    rule: AlertRule, document: dict[str, Any], policy: DeliveryPolicy | None = None,
    *, sleep: Callable[[float], None] = time.sleep,
) -> Outcome:  # fmt: skip
    """Send ``document``, retrying a failure that may pass (a 5xx, a timeout, a refused
    connection) up to ``policy.attempts`` tries in all; the outcome says how it went."""
    policy = policy or DeliveryPolicy()
    error = ""
    for attempt in range(1, max(policy.attempts, 1) + 1):
        try:
            send_once(rule, document, policy.timeout)
            return Outcome("sent", attempt)
        except DeliveryError as exc:
            error = exc.reason
            if exc.permanent or attempt >= policy.attempts:
                return Outcome("failed", attempt, error)
        sleep(policy.backoff * 2 ** (attempt - 1))
    return Outcome("failed", max(policy.attempts, 1), error)  # pragma: no cover
