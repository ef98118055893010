"""A real service app on a temporary data directory; jobs run in-process (no broker)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from api.settings import Settings

DEMO = Path(__file__).resolve().parents[2] / "api" / "demo" / "data"


@dataclass
class Svc:
    client: TestClient
    app: object
    settings: Settings
    keys: dict[str, str]
    ran: list[str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}


def make_service(tmp_path: Path, **overrides) -> Svc:
    from api.pipeline import Checker
    from api.service.app import create_app
    from api.worker.process import run_job

    settings = Settings(data_dir=tmp_path / "data", _env_file=None, **overrides)
    app = create_app(settings)
    store = app.state.store
    ran: list[str] = []
    checker = Checker(settings, app.state.repository)

    def enqueue(job_id: str) -> None:  # the worker's own code, run at once
        ran.append(job_id)
        run_job(job_id, settings, store, checker)

    app.state.enqueue = enqueue
    store.add_institution("LU", "Latvijas Universitāte")
    store.add_institution("RTU", "Rīgas Tehniskā universitāte")
    keys = {}
    for who, role, inst in [("lu_sub", "submitter", "LU"), ("lu_exam", "examiner", "LU"), ("rtu_sub", "submitter", "RTU"),
                            ("rtu_exam", "examiner", "RTU"), ("lu_admin", "admin", "LU"), ("admin", "admin", None)]:
        keys[who] = store.create_key(role, inst)[1]
    return Svc(TestClient(app), app, settings, keys, ran)

