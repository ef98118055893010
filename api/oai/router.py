"""``GET/POST /oai``: the OAI-PMH endpoint, over :func:`api.oai.handler.handle`.

The repository and settings come from ``request.app.state.repository`` and
``request.app.state.settings``, as everywhere in the service app. A POST carries its
arguments as ``application/x-www-form-urlencoded``, as OAI-PMH asks.

The endpoints are ``async`` and call the repository on the event loop's thread: an
embedded repository's SQLite connection belongs to the thread that opened it (the
app's lifespan, on that same thread), and a page is one bounded, indexed read.
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response

from api.oai.handler import MEDIA_TYPE, handle
from repository.protocols import HarvestSource

router = APIRouter(tags=["oai-pmh"])
_FORM = "application/x-www-form-urlencoded"


def _arguments(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


def _answer(request: Request, args: dict[str, list[str]]) -> Response:
    state = request.app.state
    if not isinstance(state.repository, HarvestSource):
        return Response(
            content="OAI-PMH needs a repository backend that supports harvesting (the embedded one does)\n",
            status_code=501,
            media_type="text/plain; charset=utf-8",
        )
    result = handle(args, state.repository, state.settings, now=datetime.now(timezone.utc))
    return Response(content=result.body, status_code=result.status_code, media_type=MEDIA_TYPE)


@router.get("/oai", response_class=Response, responses={200: {"content": {MEDIA_TYPE: {}}}})
async def oai_get(request: Request) -> Response:
    """OAI-PMH 2.0 request with its arguments in the query string."""
    return _answer(request, _arguments(list(request.query_params.multi_items())))


@router.post("/oai", response_class=Response, responses={200: {"content": {MEDIA_TYPE: {}}}})
async def oai_post(request: Request) -> Response:
    """OAI-PMH 2.0 request with its arguments in an application/x-www-form-urlencoded body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if content_type != _FORM:
        return Response(
            content=f"POST requests to /oai must be {_FORM}, not {content_type or 'untyped'}\n",
            status_code=415,
            media_type="text/plain; charset=utf-8",
        )
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return Response(content="the form body is not UTF-8\n", status_code=400, media_type="text/plain; charset=utf-8")
    return _answer(request, _arguments(pairs))
