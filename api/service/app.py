"""The FastAPI application: ``create_app(settings)``.

``app.state`` holds ``settings``, ``repository`` (the thesis repository),
``store`` (institutions, keys, jobs) and ``enqueue`` (sends a job id to the
workers). Routers: the REST API (``/api/v1``), OAI-PMH (``/oai``), the web pages.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import asynccontextmanager
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.logs import log_context
from api.service.ratelimit import Limiter, make_rate_limiter
from api.service.store import open_service_store
from api.settings import Settings

log = logging.getLogger("kratuve.api")
UPLOAD_PATHS = ("/api/v1/theses", "/api/v1/checks", "/upload")


class PerThreadRepository:
    """The embedded repository, one SQLite connection per thread (FastAPI runs plain
    endpoints in a thread pool; a connection belongs to the thread that opened it)."""

    def __init__(self, opener: Callable[[], Any]) -> None:
        self._opener = opener
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def _repo(self) -> Any:
        repo = getattr(self._local, "repo", None)
        if repo is None:
            repo = self._local.repo = self._opener()
            with self._lock:
                self._all.append(repo)
        return repo

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo(), name)

    def close(self) -> None:
        with self._lock:
            for repo in self._all:
                try:
                    repo.close()
                except Exception:  # noqa: BLE001 - closing a connection of a finished thread
                    pass
            self._all.clear()


def _repository(settings: Settings) -> Any:
    from api.backends import open_repository

    if settings.repository_backend == "embedded":
        return PerThreadRepository(lambda: open_repository(settings))
    return open_repository(settings)


def _enqueuer(settings: Settings) -> Callable[[str], None]:
    lock = threading.Lock()
    holder: dict[str, Any] = {}

    def enqueue(job_id: str) -> None:
        with lock:
            if "app" not in holder:
                from api.worker.celery_app import make_celery

                holder["app"] = make_celery(settings)
        holder["app"].send_task("kratuve.process_job", args=[job_id])

    return enqueue


class BodyLimit:
    """Stops reading an upload once it passes the limit, whether or not the client said how
    long it is (a chunked body has no Content-Length): 413, and the rest is never read."""

    def __init__(self, app: Any, limit: int, paths: tuple[str, ...]) -> None:
        self.app, self.limit, self.paths = app, limit, paths

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        seen = 0
        limit = self.limit

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise StarletteHTTPException(413, f"the upload is larger than {limit // (1024 * 1024) - 1} MB")
            return message

        await self.app(scope, limited, send)


class _Metrics:
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter("kratuve_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("kratuve_http_request_seconds", "HTTP request latency", ["method", "route"],
                                 registry=self.registry)
        self.jobs = Gauge("kratuve_jobs", "jobs by state", ["state"], registry=self.registry)
        self.theses = Gauge("kratuve_theses", "theses in the repository", registry=self.registry)
        self.queue = Gauge("kratuve_queue_depth", "tasks waiting in the broker (Redis only)", registry=self.registry)


def create_app(settings: Settings | None = None, *, start_worker: bool | None = None) -> FastAPI:
    """The service. ``start_worker``: run a worker process beside the API (the default with
    the server-less broker when started by ``kratuve serve``; tests enqueue themselves)."""
    settings = settings or Settings()
    app = FastAPI(
        lifespan=_lifespan(settings, start_worker),
        title="Krātuve",
        version="1",
        description="National repository of university final theses with a Latvian/English similarity checker. "
        "Authenticate with `Authorization: Bearer <API key>` (or `X-API-Key`).",
    )
    app.state.settings = settings
    app.state.store = open_service_store(settings)
    app.state.repository = _repository(settings)
    app.state.enqueue = _enqueuer(settings)
    app.state.session_principal = None
    metrics = app.state.metrics = _Metrics()
    app.add_middleware(BodyLimit, limit=settings.max_file_mb * 1024 * 1024 + 1024 * 1024, paths=UPLOAD_PATHS)
    keyed = make_rate_limiter(settings, settings.rate_limit_per_minute, name="key")
    anonymous = make_rate_limiter(settings, settings.public_rate_limit_per_minute, name="public")

    from api.service.rest import router as rest_router

    app.include_router(rest_router)
    try:
        from api.oai.router import router as oai_router
    except ImportError:  # pragma: no cover - the OAI package ships with the service
        oai_router = None
    if oai_router is not None:
        app.include_router(oai_router)
    try:
        import api.web as web
    except ImportError:  # pragma: no cover
        web = None
    if web is not None:
        app.include_router(web.router)
        web.install(app)

    return _with_routes(app, settings, metrics, keyed, anonymous, start_worker)


def _lifespan(settings: Settings, start_worker: bool | None):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        proc = None
        if start_worker:
            import subprocess
            import sys

            proc = subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--concurrency", "1"])
        try:
            yield
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(30)
                except Exception:  # noqa: BLE001
                    proc.kill()
            repo = app.state.repository
            if hasattr(repo, "close"):
                repo.close()

    return lifespan


def _with_routes(app: FastAPI, settings: Settings, metrics: _Metrics, keyed: Limiter, anonymous: Limiter,
                 start_worker: bool | None) -> FastAPI:
    @app.middleware("http")
    async def _guard(request: Request, call_next):
        request_id = request.headers.get("x-request-id", "")[:64] or secrets.token_hex(8)
        route = request.url.path
        started = time.perf_counter()
        with log_context(request_id=request_id):
            if request.method == "POST" and route in UPLOAD_PATHS:
                size = request.headers.get("content-length")
                limit = settings.max_file_mb * 1024 * 1024 + 1024 * 1024  # the file plus the form around it
                if size is not None and (not size.isdigit() or int(size) > limit):
                    response: Response = JSONResponse(
                        {"detail": f"the upload is larger than {settings.max_file_mb} MB"}, status_code=413)
                    return _finish(response, request, route, started, request_id)
                ctype = request.headers.get("content-type", "")
                if route != "/upload" and not ctype.startswith("multipart/form-data"):
                    response = JSONResponse({"detail": "send multipart/form-data (file and metadata)"},
                                            status_code=415)
                    return _finish(response, request, route, started, request_id)
            key = request.headers.get("authorization") or request.headers.get("x-api-key")
            bucket, limiter = (f"key:{key[-24:]}", keyed) if key else (
                f"ip:{request.client.host if request.client else '-'}", anonymous)
            if route.startswith(("/api/", "/oai")):
                wait = limiter.take(bucket)
                if wait > 0:
                    response = JSONResponse({"detail": "too many requests"}, status_code=429,
                                            headers={"Retry-After": str(int(wait) + 1)})
                    return _finish(response, request, route, started, request_id)
            response = await call_next(request)
            return _finish(response, request, route, started, request_id)

    def _finish(response: Response, request: Request, route: str, started: float, request_id: str) -> Response:
        template = getattr(request.scope.get("route"), "path", None) or "unmatched"
        metrics.requests.labels(request.method, template, str(response.status_code)).inc()
        metrics.latency.labels(request.method, template).observe(time.perf_counter() - started)
        response.headers["X-Request-ID"] = request_id
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                    for e in exc.errors()]
        return JSONResponse({"detail": "the request is not valid", "problems": problems}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    @app.get("/healthz", tags=["operations"], summary="Liveness: the process answers")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="Readiness: the stores and the broker answer")
    def readyz() -> Response:
        problems = {}
        try:
            app.state.store.ping()
        except Exception as exc:  # noqa: BLE001
            problems["service_store"] = type(exc).__name__
        try:
            app.state.repository.count()
        except Exception as exc:  # noqa: BLE001
            problems["repository"] = type(exc).__name__
        if settings.broker_url.startswith(("redis://", "rediss://")):
            try:
                import redis

                redis.Redis.from_url(settings.broker_url, socket_timeout=2).ping()
            except Exception as exc:  # noqa: BLE001
                problems["broker"] = type(exc).__name__
        if problems:
            return JSONResponse({"status": "not ready", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics", response_class=PlainTextResponse)
    def prometheus() -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        for state in ("queued", "running", "done", "failed"):
            metrics.jobs.labels(state).set(0)
        for state, n in app.state.store.job_counts().items():
            metrics.jobs.labels(state).set(n)
        try:
            metrics.theses.set(app.state.repository.count())
        except Exception:  # noqa: BLE001 - a repository down shows in /readyz
            pass
        if settings.broker_url.startswith(("redis://", "rediss://")):
            try:
                import redis

                from api.worker.celery_app import QUEUE

                metrics.queue.set(redis.Redis.from_url(settings.broker_url, socket_timeout=2).llen(QUEUE))
            except Exception:  # noqa: BLE001 - a broker down shows in /readyz
                pass
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app
