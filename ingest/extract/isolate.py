"""Extraction in a child process with a time limit, so a hang or a crash in a parser can't take the caller down.

The child is forked from a ``forkserver`` process that has the extractors
imported already (started on first use, not at import time), so the cost per
file is a fork and the transfer of the bytes and the result. The child leads
its own process group; on timeout the whole group (Tesseract included) is
killed. Errors come back as the same :class:`~ingest.errors.IngestError`
subclasses; a child that dies becomes :class:`~ingest.errors.ExtractorCrashed`.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from ingest import errors
from ingest.errors import ExtractionTimeout, ExtractorCrashed, IngestError
from ingest.extract.result import Extracted, ExtractLimits

PRELOAD = ["ingest.extract.dispatch", "ingest.extract.pdf", "ingest.extract.word", "ingest.extract.odt", "pypdfium2", "docx"]
_context: Any = None


def _ctx() -> Any:
    global _context
    if _context is None:
        import multiprocessing

        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _context = ctx
    return _context


def extract_isolated(data: bytes, filename: str, limits: ExtractLimits | None = None) -> Extracted:
    """:func:`~ingest.extract.extract_bytes` in a child process, killed after ``limits.timeout_s``."""
    limits = limits or ExtractLimits()
    ctx = _ctx()
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(sender, data, filename, limits), daemon=True)
    try:
        child.start()
        sender.close()
        if not receiver.poll(limits.timeout_s):
            _kill(child)
            raise ExtractionTimeout(
                f"reading the file took longer than the limit of {limits.timeout_s:.0f} s", path=filename
            )
        try:
            message = receiver.recv()
        except (EOFError, OSError):
            child.join(5)
            code = child.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            raise ExtractorCrashed(
                f"the reader crashed on this file ({how}); it is probably damaged", path=filename
            ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.join(1)
        if child.is_alive():
            _kill(child)
    if message[0] == "ok":
        return message[1]
    _, cls_name, reason, path = message
    cls = getattr(errors, cls_name, None)
    if not (isinstance(cls, type) and issubclass(cls, IngestError)):
        cls = errors.CorruptFile
    raise cls(reason, path=path or filename)


def _child(conn: Any, data: bytes, filename: str, limits: ExtractLimits) -> None:
    try:
        os.setsid()  # a process group of its own: a timeout kills Tesseract too
    except OSError:
        pass
    from ingest.extract.dispatch import extract_bytes

    try:
        result: tuple = ("ok", extract_bytes(data, filename, limits))
    except IngestError as err:
        result = ("err", type(err).__name__, err.reason, err.path)
    except BaseException as exc:  # noqa: BLE001 - report, never hang the parent
        result = ("err", "CorruptFile", f"the file cannot be read ({type(exc).__name__})", filename)
    conn.send(result)
    conn.close()


def _kill(child: Any) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        child.kill()
    child.join(5)
