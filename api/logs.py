"""Log lines for people (text) or for log collectors (JSON), chosen by settings.

Entry points call :func:`configure_logging` once, after reading the settings.
Request and job ids travel in context variables (:func:`log_context`), so a
line written deep inside the pipeline still says which request or job it
belongs to, in threads and asyncio tasks alike.

What must never reach a log: API keys, uploaded file contents, thesis text.
Code should not log them in the first place; this module is the second line
of defence: extra fields with secret- or text-like names are replaced by
``[redacted]``, key- and password-looking pieces of messages are masked, and
every message is cut to :data:`MAX_MESSAGE_CHARS` so that a stray ``repr`` of
a document cannot dump a thesis into the logs.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from api.settings import Settings

MAX_MESSAGE_CHARS = 2000
REDACTED = "[redacted]"

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("kratuve_request_id", default=None)
job_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("kratuve_job_id", default=None)

# Extra fields whose names contain one of these words are never written.
_SECRET_FIELD = re.compile(
    r"(key|password|passwd|secret|token|authorization|cookie|credential|text|content|body|file|upload)",
    re.IGNORECASE,
)
# Pieces of a message that look like credentials: "Bearer abc", "api_key=abc", "password: abc",
# "X-API-Key: abc", and URLs with a user:password part.
_SECRET_IN_MESSAGE = [
    (re.compile(r"(?i)\b(bearer|basic|apikey)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 " + REDACTED),
    (
        re.compile(r"(?i)\b(x-api-key|api[_-]?key|password|passwd|secret|token)(\"?\s*[:=]\s*\"?)[^\s\"',;&]+"),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]+@"), r"\1" + REDACTED + "@"),
]

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()
    | {"message", "asctime", "taskName", "color_message"}  # uvicorn's copy of the message with colour codes
)
_HANDLER_NAME = "kratuve"


def scrub(message: str, *, keep_end: bool = False) -> str:
    """``message`` with credential-looking pieces masked and cut to :data:`MAX_MESSAGE_CHARS`
    (``keep_end``: the end is kept, as in a traceback, whose last lines say what went wrong)."""
    for pattern, replacement in _SECRET_IN_MESSAGE:
        message = pattern.sub(replacement, message)
    if len(message) > MAX_MESSAGE_CHARS:
        cut = len(message) - MAX_MESSAGE_CHARS
        if keep_end:
            return f"[{cut} characters cut] …" + message[-MAX_MESSAGE_CHARS:]
        message = message[:MAX_MESSAGE_CHARS] + f"… [{cut} characters cut]"
    return message


@contextmanager
def log_context(*, request_id: str | None = None, job_id: str | None = None) -> Iterator[None]:
    """Lines logged inside this block carry ``request_id`` / ``job_id`` (those given)."""
    tokens = []
    if request_id is not None:
        tokens.append((request_id_var, request_id_var.set(request_id)))
    if job_id is not None:
        tokens.append((job_id_var, job_id_var.set(job_id)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def _extras(record: logging.LogRecord) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in vars(record).items():
        if name in _STANDARD_ATTRS or name.startswith("_") or name in ("request_id", "job_id"):
            continue
        if _SECRET_FIELD.search(name):
            out[name] = REDACTED
        elif isinstance(value, (bool, int, float)) or value is None:
            out[name] = value
        else:
            out[name] = scrub(str(value))
    return out


def _ids(record: logging.LogRecord) -> dict[str, str]:
    ids = {}
    for name, var in (("request_id", request_id_var), ("job_id", job_id_var)):
        value = getattr(record, name, None) or var.get()
        if value:
            ids[name] = str(value)
    return ids


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (UTC, ISO 8601), level, logger, message, ids, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        entry.update(_ids(record))
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info), keep_end=True)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``2026-11-23T20:40:00Z INFO api.x [request=… job=…] message``, scrubbed like the JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        ids = " ".join(f"{k.removesuffix('_id')}={v}" for k, v in _ids(record).items())
        line = f"{stamp} {record.levelname} {record.name}{f' [{ids}]' if ids else ''} {scrub(record.getMessage())}"
        if record.exc_info:
            line += "\n" + scrub(self.formatException(record.exc_info), keep_end=True)
        return line


def configure_logging(settings: "Settings", stream: IO[str] | None = None) -> logging.Handler:
    """Send every logger's lines to ``stream`` (stderr) in ``settings.log_format`` at ``settings.log_level``.

    Safe to call again (the handler it installed before is replaced). Uvicorn's and
    Celery's loggers propagate to the root logger, so their lines come out in the same
    format when they are started without their own logging configuration
    (``uvicorn.run(..., log_config=None)``, Celery ``worker_hijack_root_logger=False``).
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.captureWarnings(True)
    return handler
