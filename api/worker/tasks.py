"""The Celery tasks. Each takes ids only; everything else is read from the stores."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import httpx
from celery import signals

from api.logs import configure_logging, log_context
from api.settings import Settings
from api.worker.celery_app import make_celery

log = logging.getLogger("kratuve.worker")
settings = Settings()
app = make_celery(settings)


@signals.setup_logging.connect
def _logging(**_: object) -> None:
    """Celery leaves the logging set-up to us: the same text or JSON lines as the API."""
    configure_logging(settings)


@lru_cache(maxsize=1)
def _context():
    """The job store and checker of this worker process (opened on its first task)."""
    from api.backends import open_repository
    from api.pipeline import Checker
    from api.service.store import open_service_store

    return open_service_store(settings), Checker(settings, open_repository(settings))


def _backoff(retries: int) -> float:
    return min(settings.task_retry_backoff_s * (2 ** retries), 600.0)


@app.task(name="kratuve.process_job", bind=True, acks_late=True, reject_on_worker_lost=True,
          max_retries=None)
def process_job(self, job_id: str) -> str:
    from api.worker.process import Transient, run_job

    store, checker = _context()
    try:
        with log_context(job_id=job_id):
            job = run_job(job_id, settings, store, checker)
    except Transient as exc:
        if self.request.retries >= settings.task_max_retries:
            store.fail(job_id, f"a service the check needs kept failing: {exc}")
            return "failed"
        log.warning("job %s: transient error (%s), retry %d", job_id, exc, self.request.retries + 1)
        raise self.retry(countdown=_backoff(self.request.retries), exc=exc) from exc
    if job is None:
        return "skipped"
    url = store.webhook_target(job_id)
    if url:
        delivery = store.add_delivery(job_id, url)
        deliver_webhook.delay(delivery.id)
    return job.state


@app.task(name="kratuve.deliver_webhook", bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    from api.worker.webhooks import payload, post

    store, _ = _context()
    delivery = store.delivery(delivery_id)
    if delivery is None or delivery.state == "delivered":
        return "skipped"
    job = store.get_job(delivery.job_id)
    secret = store.webhook_secret(job.institution) if job and job.institution else None
    if job is None or secret is None:
        store.record_attempt(delivery_id, state="failed", status=None, error="no institution secret to sign with")
        return "failed"
    try:
        status, error = post(delivery.url, payload(job, settings.public_base_url), secret, settings.webhook_timeout_s), None
    except httpx.HTTPError as exc:
        status, error = None, type(exc).__name__
    if status is not None and 200 <= status < 300:
        store.record_attempt(delivery_id, state="delivered", status=status, error=None)
        return "delivered"
    final = self.request.retries >= settings.webhook_max_retries
    store.record_attempt(delivery_id, state="failed" if final else "pending", status=status, error=error)
    if final:
        return "failed"
    raise self.retry(countdown=min(settings.webhook_backoff_s * (2 ** self.request.retries), 3600.0))


@app.task(name="kratuve.embargo_sweep")
def embargo_sweep() -> int:
    """Log the embargoes that lifted since yesterday. Access is computed when read, so
    nothing has to change for a thesis to open; this is the operator's record of it."""
    store, checker = _context()
    del store
    today = datetime.now(UTC).date()  # access is computed in UTC too
    lifted = 0
    offset = 0
    while True:
        page = checker.repository.list(limit=500, offset=offset)
        if not page:
            break
        for record in page:
            until = record.metadata.embargo_until
            if record.metadata.access == "embargoed" and until is not None and until == today - timedelta(days=1):
                lifted += 1
                log.info("embargo lifted today: thesis %s", record.id)
        offset += len(page)
    return lifted
