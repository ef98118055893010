"""JSON over HTTP with timeouts and retries (stdlib ``urllib``; no client library needed).

Retried: HTTP 429 and 5xx, timeouts and connection errors, up to
``retries`` more times with exponential backoff (``backoff * 2**attempt``,
at most ``max_backoff`` seconds, or the server's ``Retry-After`` when given
and shorter than ``max_backoff``). Other 4xx answers fail at once.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from similarity.translate.base import TranslationError


class HttpPolicy(BaseModel):
    model_config = ConfigDict(frozen=True)

    timeout: float = Field(30.0, gt=0, description="seconds per request")
    retries: int = Field(4, ge=0)
    backoff: float = Field(0.5, ge=0, description="first wait, doubled each retry")
    max_backoff: float = Field(30.0, ge=0)
    batch_size: int = Field(32, ge=1, description="texts per request")


def post_json(url: str, payload: dict, headers: dict[str, str], policy: HttpPolicy,
              sleep: Callable[[float], None] = time.sleep) -> object:
    """POST ``payload`` as JSON and return the decoded JSON answer."""
    body = json.dumps(payload).encode("utf-8")
    last = ""
    for attempt in range(policy.retries + 1):
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json",
                                              **headers})
        wait = min(policy.backoff * 2**attempt, policy.max_backoff)
        try:
            with urllib.request.urlopen(req, timeout=policy.timeout) as resp:
                return json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            last = f"HTTP {exc.code} from {url}: {detail}"
            if exc.code != 429 and exc.code < 500:
                raise TranslationError(last) from exc
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            if retry_after and retry_after.isdigit():
                wait = min(float(retry_after), policy.max_backoff)
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as exc:
            last = f"{url}: {getattr(exc, 'reason', exc)}"
        except json.JSONDecodeError as exc:
            raise TranslationError(f"{url} did not answer JSON: {exc}") from exc
        if attempt < policy.retries:
            sleep(wait)
    raise TranslationError(f"gave up after {policy.retries + 1} tries: {last}")
