"""Page rendering: one Jinja environment, the language of a request, the page context."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from api.web.auth import signing_key
from api.web.i18n import DEFAULT_LANGUAGE, MESSAGES, Language, parse_language, translator
from api.web.session import CSRF_COOKIE, LANG_COOKIE, new_csrf_token, unsign


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("api.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlencode_pairs"] = lambda pairs: urlencode(pairs, doseq=True)
    return env


def request_language(request: Request) -> tuple[Language, bool]:
    """The page language (``?lang=`` first, then the cookie, then Latvian) and whether
    ``?lang=`` asked for it (then the cookie is set)."""
    asked = parse_language(request.query_params.get("lang"))
    if asked:
        return asked, True
    return parse_language(request.cookies.get(LANG_COOKIE)) or DEFAULT_LANGUAGE, False


def url_with(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    for key, value in changes.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            params.extend((key, str(v)) for v in value)
        else:
            params.append((key, str(value)))
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    key: bytes | None = None,
    principal: Any = None,
    **context: Any,
) -> HTMLResponse:
    """A page in the request's language; sets the language cookie when ``?lang=`` chose it
    and the CSRF cookie that the page's forms echo."""
    language, asked = request_language(request)
    t = translator(language)
    key = key or signing_key(request)
    csrf = request.cookies.get(CSRF_COOKIE)
    if unsign(key, "csrf", csrf) is None:
        csrf = new_csrf_token(key)
    html = environment().get_template(template).render(
        request=request,
        lang=language,
        t=t,
        has_message=lambda k: k in MESSAGES[language],
        url_with=lambda **changes: url_with(request, **changes),
        csrf_token=csrf,
        principal=principal,
        **context,
    )
    response = HTMLResponse(html, status_code=status_code)
    response.headers["Content-Language"] = language
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    )
    if asked:
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    if csrf != request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="lax", path="/")
    return response
