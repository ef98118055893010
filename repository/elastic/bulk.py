"""Bulk writes with retries: 429 (overloaded) and 5xx answers are tried again with
exponential backoff, per document and per request; anything else fails at once.

``elasticsearch.helpers.streaming_bulk`` sends the chunks; it is asked not to
retry on its own (``max_retries=0``) so that one loop decides, for item and
request failures alike, and the waits go through an injectable ``sleep``.
Every action carries an explicit ``_id``, so a retried one cannot duplicate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from repository.errors import RepositoryError

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


def retryable(status: Any) -> bool:
    return isinstance(status, int) and (status == 429 or status >= 500)


class BulkFailed(RepositoryError):
    """Some documents could not be written (after retries, where retrying made sense)."""

    def __init__(self, errors: list[dict[str, Any]], attempts: int) -> None:
        first = errors[0] if errors else {}
        super().__init__(
            f"{len(errors)} document(s) not written after {attempts} attempt(s); first: "
            f"status {first.get('status')}: {str(first.get('error'))[:300]}"
        )
        self.errors = errors
        self.attempts = attempts


def bulk_write(
    client: Elasticsearch,
    actions: list[dict[str, Any]],
    *,
    refresh: str | bool = False,
    chunk_size: int = 500,
    max_retries: int = 5,
    initial_backoff: float = 0.5,
    max_backoff: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Write ``actions`` (``_op_type``/``_index``/``_id`` + source); the number written.

    Raises :class:`BulkFailed` once an error is not retryable or retries ran out.
    """
    from elasticsearch import ApiError
    from elasticsearch.helpers import streaming_bulk

    by_id = {a["_id"]: a for a in actions}
    if len(by_id) != len(actions):
        raise ValueError("every bulk action needs its own _id")
    pending = list(actions)
    written = 0
    attempt = 0
    while True:
        attempt += 1
        retry: list[dict[str, Any]] = []
        last_status: Any = None
        final: list[dict[str, Any]] = []
        try:
            for ok, item in streaming_bulk(
                client,
                pending,
                chunk_size=chunk_size,
                max_retries=0,
                raise_on_error=False,
                raise_on_exception=False,
                refresh=refresh,
            ):
                if ok:
                    written += 1
                    continue
                _, info = next(iter(item.items()))
                status = info.get("status")
                action = by_id.get(info.get("_id"))
                if action is not None and retryable(status):
                    retry.append(action)
                    last_status = status
                else:
                    final.append({"id": info.get("_id"), "status": status, "error": info.get("error")})
        except ApiError as exc:  # a whole request refused (raise_on_exception=False covers most)
            if not retryable(exc.status_code):
                raise BulkFailed([{"id": None, "status": exc.status_code, "error": str(exc)}], attempt) from exc
            retry, last_status = pending, exc.status_code
        if final:
            raise BulkFailed(final, attempt)
        if not retry:
            return written
        if attempt > max_retries:
            raise BulkFailed(
                [{"id": a["_id"], "status": last_status, "error": "still refused when retries ran out"} for a in retry],
                attempt,
            )
        sleep(min(max_backoff, initial_backoff * 2 ** (attempt - 1)))
        pending = retry
