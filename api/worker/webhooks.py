"""Webhooks: the university's system is told when a report is ready.

POST JSON ``{"event": "job.finished", "job_id", "state", "thesis_id", "report_id",
"error", "links"}`` with ``X-Kratuve-Timestamp`` (Unix seconds) and
``X-Kratuve-Signature: sha256=<hex>``, the HMAC-SHA256 of ``"<timestamp>.<body>"``
with the institution's webhook secret (``kratuve admin institution webhook``).
A receiver recomputes it and refuses old timestamps. Any 2xx answer is a
delivery; anything else is retried with backoff.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from api.service.store import Job


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(job: Job, base_url: str) -> bytes:
    links = {"job": f"{base_url}/api/v1/jobs/{job.id}"}
    if job.report_id:
        links["report"] = f"{base_url}/api/v1/reports/{job.report_id}"
        links["report_html"] = f"{base_url}/reports/{job.report_id}"
    if job.thesis_id:
        links["thesis"] = f"{base_url}/api/v1/theses/{job.thesis_id}"
    return json.dumps({"event": "job.finished", "job_id": job.id, "state": job.state, "thesis_id": job.thesis_id,
                       "report_id": job.report_id, "error": job.error, "links": links}).encode()


def post(url: str, body: bytes, secret: str, timeout_s: float) -> int:
    """One delivery attempt; the HTTP status (raises httpx errors on no answer)."""
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/json", "X-Kratuve-Timestamp": ts,
               "X-Kratuve-Signature": signature(secret, ts, body), "User-Agent": "kratuve-webhook/1"}
    with httpx.Client(timeout=timeout_s, follow_redirects=False) as client:
        return client.post(url, content=body, headers=headers).status_code
