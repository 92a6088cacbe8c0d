"""One JSON error shape for every error the API returns:
``{"error": {"code": "K401", "message": "since: ...", "field": "since"}}``.

The codes are those of :mod:`khorasan.errors`; the HTTP status follows the class.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from khorasan.errors import (
    ConfigError,
    Forbidden,
    InputError,
    KhorasanError,
    NotFoundError,
    StoreError,
    TooManyAttempts,
    Unauthenticated,
)

__all__ = ["install_error_handlers"]

_STATUS: tuple[tuple[type[KhorasanError], int], ...] = (
    (NotFoundError, 404),
    (ConfigError, 422),  # FilterError and ExportError among them
    (InputError, 400),
    (StoreError, 503),
    (Unauthenticated, 401),
    (Forbidden, 403),
    (TooManyAttempts, 429),
)


def _body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


def _status(exc: KhorasanError) -> int:
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), 500)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(KhorasanError)
    async def khorasan_error(_request: Request, exc: KhorasanError) -> JSONResponse:
        return JSONResponse({"error": exc.as_dict()}, status_code=_status(exc))

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, exc: Unauthenticated) -> Response:
        path = request.url.path
        if request.method == "GET" and not path.startswith("/api/"):
            # a page: to the login form, and back here after it
            return RedirectResponse("/login?" + urlencode({"next": path}), status_code=303)
        return JSONResponse({"error": exc.as_dict()}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})  # fmt: skip

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        field = str(first.get("loc", ["", "?"])[-1])
        message = f"{field}: {first.get('msg', 'invalid value')}"
        return JSONResponse(_body("K401", message, field), status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        code = NotFoundError.code if exc.status_code == 404 else KhorasanError.code
        return JSONResponse(_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # never a traceback or an internal message to a client
        return JSONResponse(_body(KhorasanError.code, "internal error"), status_code=500)
