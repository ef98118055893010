"""The Celery application, configured from the settings.

Broker: ``KRATUVE_BROKER_URL`` (production: ``redis://...``). Left empty, a
broker that needs no server is used: kombu's filesystem transport under
``<data_dir>/broker`` (one machine; ``kratuve serve`` starts a worker itself).
Tasks are acknowledged late and rejected when their worker dies, so a killed
worker's job goes back to the queue (with Redis, after ``visibility_timeout_s``);
the job store's lease makes sure no two workers run one job at once.
"""

from __future__ import annotations

from pathlib import Path

from celery import Celery

from api.settings import Settings

QUEUE = "kratuve"


def broker_options(settings: Settings) -> tuple[str, dict]:
    if settings.broker_url:
        return settings.broker_url, {"visibility_timeout": settings.visibility_timeout_s}
    folder = Path(settings.data_dir).resolve() / "broker"
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return "filesystem://", {"data_folder_in": str(folder / "queue"), "data_folder_out": str(folder / "queue"),
                             "processed_folder": str(folder / "processed"), "store_processed": False,
                             "control_folder": str(folder / "control")}


def make_celery(settings: Settings) -> Celery:
    url, options = broker_options(settings)
    app = Celery("kratuve", broker=url, include=["api.worker.tasks"])
    app.conf.update(
        broker_transport_options=options,
        broker_connection_retry_on_startup=True,
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        beat_schedule={
            "embargo-sweep": {"task": "kratuve.embargo_sweep", "schedule": settings.embargo_sweep_s},
        },
    )
    return app
