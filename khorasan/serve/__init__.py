"""Serve: the REST API (FastAPI, OpenAPI at ``/openapi.json``) over the public Python API.

:func:`create_app` builds the application for one store; ``khorasan serve`` runs it with
uvicorn. Route handlers call the same library functions as the CLI and hold no SQL.
"""

from khorasan.serve.app import create_app

__all__ = ["create_app"]
