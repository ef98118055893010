"""Upload through the web form: the service core's job runs and the job page links the report.

Needs the service core (``api.service``: create_app, jobs, the store): skipped
with a reason when it is not installed.
"""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from web_corpus import make_web_app, paragraphs

pytest.importorskip("api.service.jobs", reason="the upload page needs the service core (api.service.jobs)")


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


@pytest.fixture()
def web(corpus, tmp_path):
    import shutil

    # a private copy of the repository: this test adds to it
    data = tmp_path / "data"
    shutil.copytree(corpus.data_dir, data)
    private = type(corpus)(**{**corpus.__dict__, "data_dir": data, "settings": corpus.settings.model_copy(update={"data_dir": data})})
    with pytest.MonkeyPatch.context() as mp:
        w = make_web_app(private, mp)
        w.app.state.enqueue = _run_in_a_thread(w.app.state)
        yield w, private


def _run_in_a_thread(state):
    """Jobs run by the workers' own code (``api.worker.process.run_job``) in a thread: the
    broker transport is the only part left out (the service's tests cover Celery)."""
    import threading

    from api.pipeline import Checker
    from api.worker.process import run_job
    from repository.embedded import EmbeddedRepository

    def work(job_id: str) -> None:
        with EmbeddedRepository(state.settings.data_dir) as repo:
            run_job(job_id, state.settings, state.store, Checker(state.settings, repo))

    return lambda job_id: threading.Thread(target=work, args=(job_id,), daemon=True).start()


def login(app, key: str) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    page = c.get("/login")
    assert c.post("/login", data={"api_key": key, "csrf": csrf_of(page.text)}).status_code == 303
    return c


def test_submitter_uploads_and_examiner_opens_the_report(web) -> None:
    w, corpus = web
    c = login(w.app, w.keys["submitter-LU"])
    form = c.get("/upload")
    assert form.status_code == 200 and 'type="file"' in form.text
    udhr = paragraphs("udhr.lv.txt", 20)
    text = "\n\n".join(paragraphs("lvtb-docs.lv.txt", 40)[80:84] + [udhr[3]] + paragraphs("lvtb-docs.lv.txt", 40)[84:86])
    r = c.post(
        "/upload",
        data={"csrf": csrf_of(form.text), "title": "Jauns darbs", "year": "2025", "language": "lv",
              "access": "open", "check_only": "on"},
        files={"file": ("jauns.txt", text.encode("utf-8"), "text/plain")},
    )
    assert r.status_code == 303, r.text
    job_url = r.headers["location"]
    assert job_url.startswith("/jobs/")
    deadline = time.monotonic() + 120
    while True:
        page = c.get(job_url).text
        state = re.search(r'data-state="(\w+)"', page).group(1)
        if state in ("done", "failed") or time.monotonic() > deadline:
            break
        assert 'http-equiv="refresh"' in page
        time.sleep(0.5)
    assert state == "done", page
    assert 'http-equiv="refresh"' not in page
    report_url = re.search(r'id="job-report" href="([^"]+)"', page).group(1)
    examiner = login(w.app, w.keys["examiner-LU"])
    viewer = examiner.get(report_url)
    assert viewer.status_code == 200 and 'class="hl' in viewer.text
    # the draft's own (unmatched) text is shown too: it is kept with the job
    own_words = " ".join(paragraphs("lvtb-docs.lv.txt", 40)[80].split()[:8])
    assert own_words in viewer.text
    other = login(w.app, w.keys["examiner-RTU"])
    assert other.get(report_url).status_code == 404


def test_upload_refuses_bad_metadata_and_examiners(web) -> None:
    w, corpus = web
    c = login(w.app, w.keys["submitter-LU"])
    form = c.get("/upload")
    r = c.post(
        "/upload", data={"csrf": csrf_of(form.text), "title": "  ", "access": "open"},
        files={"file": ("a.txt", "Teksts.".encode(), "text/plain")},
    )
    assert r.status_code == 422 and 'id="upload-error"' in r.text and "title" in r.text
    r = c.post("/upload", data={"csrf": "forged", "title": "X"}, files={"file": ("a.txt", b"x", "text/plain")})
    assert r.status_code == 400
    assert login(w.app, w.keys["examiner-LU"]).get("/upload").status_code == 403
