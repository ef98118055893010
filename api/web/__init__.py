"""Server-rendered web pages (Latvian and English) and the examiner's report viewer.

The app factory includes :data:`router` and calls :func:`install`, which lets
the REST API accept a browser session as well as an API key.
"""

from __future__ import annotations

from fastapi import FastAPI

from api.web.auth import session_principal
from api.web.pages import router

__all__ = ["install", "router"]


def install(app: FastAPI) -> None:
    """Set the ``session_principal`` hook that ``api.service.auth.current_principal`` calls."""
    app.state.session_principal = session_principal
