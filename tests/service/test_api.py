"""The REST API with every role: real app, real SQLite stores, real pipeline (jobs run in-process)."""

from __future__ import annotations

import json

from service_support import DEMO, make_service

UDHR_LV = (DEMO / "udhr.lv.txt").read_bytes()
UDHR_EN = (DEMO / "udhr.en.txt").read_bytes()


def submit(svc, who, data=UDHR_LV, name="darbs.txt", meta=None, path="/api/v1/theses", **form):
    meta = {"title": "Cilvēktiesības", "institution": "LU", "year": 2024} if meta is None else meta
    fields = {"metadata": json.dumps(meta)} if meta != "omit" else {}
    fields.update(form)
    return svc.client.post(path, headers=svc.auth(who) if who else {}, files={"file": (name, data)}, data=fields)


def test_submit_process_and_read_report(svc):
    r = submit(svc, "lu_sub")
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["state"] == "queued" and job["kind"] == "add" and job["institution"] == "LU"
    done = svc.client.get(f"/api/v1/jobs/{job['id']}", headers=svc.auth("lu_sub")).json()
    assert done["state"] == "done" and done["thesis_id"] and done["report_id"]
    # a second thesis copying the first: the report finds it
    copy = UDHR_LV + b"\n\n" + "Mans secinājums ir tāds, ka tiesības ir svarīgas visiem.".encode()
    second = submit(svc, "lu_sub", data=copy, name="otrs.txt", meta={"title": "Otrs", "institution": "LU"}).json()
    second = svc.client.get(f"/api/v1/jobs/{second['id']}", headers=svc.auth("lu_sub")).json()
    report = svc.client.get(f"/api/v1/reports/{second['report_id']}", headers=svc.auth("lu_exam"))
    assert report.status_code == 200
    body = report.json()
    assert body["similarity_index"] > 90 and body["submission"]["name"] == "otrs.txt"
    assert body["sources"][0]["source"]["id"] == done["thesis_id"]
    html = svc.client.get(f"/api/v1/reports/{second['report_id']}.html", headers=svc.auth("lu_exam"))
    assert html.status_code == 200 and "text/html" in html.headers["content-type"]
    pdf = svc.client.get(f"/api/v1/reports/{second['report_id']}.pdf", headers=svc.auth("lu_exam"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    record = svc.client.get(f"/api/v1/theses/{done['thesis_id']}").json()
    assert record["metadata"]["title"] == "Cilvēktiesības" and record["original_filename"] == "darbs.txt"


def test_roles_and_institutions(svc):
    job = submit(svc, "lu_sub").json()
    job = svc.client.get(f"/api/v1/jobs/{job['id']}", headers=svc.auth("lu_sub")).json()
    rid = job["report_id"]
    # examiners read their own institution's reports only; other institutions get a plain 404
    assert svc.client.get(f"/api/v1/reports/{rid}", headers=svc.auth("lu_exam")).status_code == 200
    assert svc.client.get(f"/api/v1/reports/{rid}", headers=svc.auth("rtu_exam")).status_code == 404
    assert svc.client.get(f"/api/v1/reports/{rid}.pdf", headers=svc.auth("rtu_exam")).status_code == 404
    assert svc.client.get(f"/api/v1/reports/{rid}", headers=svc.auth("admin")).status_code == 200
    assert svc.client.get(f"/api/v1/reports/{rid}").status_code == 401
    # jobs: own institution only
    assert svc.client.get(f"/api/v1/jobs/{job['id']}", headers=svc.auth("rtu_sub")).status_code == 404
    assert svc.client.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    assert [j["id"] for j in svc.client.get("/api/v1/jobs", headers=svc.auth("lu_exam")).json()] == [job["id"]]
    assert svc.client.get("/api/v1/jobs", headers=svc.auth("rtu_exam")).json() == []
    # submitters submit for their own institution; examiners and the public do not submit
    assert submit(svc, "rtu_sub", meta={"title": "X", "institution": "LU"}).status_code == 403
    assert submit(svc, "lu_exam").status_code == 403
    assert submit(svc, None).status_code == 401
    # a wrong key is refused, never taken for the public
    bad = svc.client.get("/api/v1/search?q=x", headers={"Authorization": "Bearer krt_nope_nope"})
    assert bad.status_code == 401
    # administration
    assert svc.client.get("/api/v1/institutions", headers=svc.auth("lu_sub")).status_code == 403
    assert svc.client.get("/api/v1/institutions").status_code == 401
    made = svc.client.post("/api/v1/keys", headers=svc.auth("lu_admin"), json={"role": "examiner", "institution": "LU"})
    assert made.status_code == 201 and made.json()["secret"].startswith("krt_")
    assert svc.client.post("/api/v1/keys", headers=svc.auth("lu_admin"),
                           json={"role": "examiner", "institution": "RTU"}).status_code == 403
    assert svc.client.post("/api/v1/institutions", headers=svc.auth("lu_admin"),
                           json={"code": "VU", "name": "X"}).status_code == 403
    assert svc.client.post("/api/v1/institutions", headers=svc.auth("admin"),
                           json={"code": "VU", "name": "Ventspils Augstskola"}).status_code == 201
    new_key = made.json()["secret"]
    assert svc.client.get(f"/api/v1/reports/{rid}", headers={"Authorization": f"Bearer {new_key}"}).status_code == 200
    key_id = made.json()["key"]["id"]
    assert svc.client.delete(f"/api/v1/keys/{key_id}", headers=svc.auth("admin")).status_code == 200
    assert svc.client.get(f"/api/v1/reports/{rid}", headers={"Authorization": f"Bearer {new_key}"}).status_code == 401
    # keys are stored hashed: the secret is nowhere in the store
    raw = (svc.settings.data_dir / "service.sqlite3").read_bytes()
    assert new_key.split("_", 2)[2].encode() not in raw


def test_restricted_never_reaches_the_public(svc):
    meta = {"title": "Slepens darbs", "institution": "LU", "access": "restricted"}
    job = submit(svc, "lu_sub", meta=meta).json()
    thesis_id = svc.client.get(f"/api/v1/jobs/{job['id']}", headers=svc.auth("lu_sub")).json()["thesis_id"]
    assert svc.client.get(f"/api/v1/theses/{thesis_id}").status_code == 404
    assert svc.client.get(f"/api/v1/theses/{thesis_id}", headers=svc.auth("rtu_exam")).status_code == 404
    assert svc.client.get(f"/api/v1/theses/{thesis_id}", headers=svc.auth("lu_exam")).status_code == 200
    found = svc.client.get("/api/v1/search", params={"q": "cilvēks"}).json()
    assert found["total"] == 0
    open_job = submit(svc, "lu_sub", data=UDHR_EN, name="en.txt",
                      meta={"title": "Open thesis", "institution": "LU"}).json()
    open_id = svc.client.get(f"/api/v1/jobs/{open_job['id']}", headers=svc.auth("lu_sub")).json()["thesis_id"]
    hits = svc.client.get("/api/v1/search", params={"q": "human rights"}).json()
    assert [h["thesis_id"] for h in hits["hits"]] == [open_id]
    assert svc.client.get(f"/api/v1/theses/{open_id}/versions").status_code == 200


def test_check_only_is_not_stored(svc):
    submit(svc, "lu_sub")
    before = svc.app.state.repository.count()
    r = submit(svc, "lu_sub", path="/api/v1/checks", meta="omit", data=UDHR_LV + b"\n\nJauns teikums.", name="melnraksts.txt")
    assert r.status_code == 202 and r.json()["kind"] == "check"
    job = svc.client.get(f"/api/v1/jobs/{r.json()['id']}", headers=svc.auth("lu_sub")).json()
    assert job["state"] == "done" and job["thesis_id"] is None
    assert svc.app.state.repository.count() == before
    report = svc.client.get(f"/api/v1/reports/{job['report_id']}", headers=svc.auth("lu_exam")).json()
    assert report["similarity_index"] > 90
    html = svc.client.get(f"/api/v1/reports/{job['report_id']}.html", headers=svc.auth("lu_exam")).text
    assert "Jauns teikums" in html  # the draft's own text is kept for the viewer


def test_bad_input_gets_clear_4xx(tmp_path):
    svc = make_service(tmp_path, max_file_mb=1)
    assert submit(svc, "lu_sub", name="virus.exe").status_code == 415
    r = svc.client.post("/api/v1/theses", headers=svc.auth("lu_sub"), json={"title": "x"})
    assert r.status_code == 415
    r = submit(svc, "lu_sub", meta={"title": "x", "colour": "red"})
    assert r.status_code == 422 and "colour" in r.json()["detail"]
    r = submit(svc, "lu_sub", meta={"title": "x", "year": "last year"})
    assert r.status_code == 422 and "year" in r.json()["detail"]
    r = svc.client.post("/api/v1/theses", headers=svc.auth("lu_sub"), files={"file": ("a.txt", b"abc")},
                        data={"metadata": "{not json"})
    assert r.status_code == 422
    assert submit(svc, "lu_sub", data=b"").status_code == 422
    big = submit(svc, "lu_sub", data=b"a " * 1_100_000)
    assert big.status_code == 413 and "1 MB" in big.json()["detail"]
    r = svc.client.post("/api/v1/theses", headers={**svc.auth("lu_sub"), "Content-Length": "999999999",
                                                    "Content-Type": "multipart/form-data; boundary=x"}, content=b"--x--")
    assert r.status_code == 413

    def chunks():  # no Content-Length: the limit still holds while the body streams in
        yield b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
        for _ in range(40):
            yield b"a" * 100_000

    r = svc.client.post("/api/v1/theses", headers={**svc.auth("lu_sub"),
                                                    "Content-Type": "multipart/form-data; boundary=x"}, content=chunks())
    assert r.status_code == 413
    assert svc.app.state.repository.count() == 0 and svc.ran == []
    # nothing leaks: no paths, no tracebacks in error bodies
    for body in (big.text, r.text):
        assert str(tmp_path) not in body and "Traceback" not in body


def test_failed_job_says_why(svc):
    r = submit(svc, "lu_sub", data=b"%PDF-1.4 this is not really a pdf", name="broken.pdf")
    job = svc.client.get(f"/api/v1/jobs/{r.json()['id']}", headers=svc.auth("lu_sub")).json()
    assert job["state"] == "failed" and "could not be read" in job["error"]
    assert svc.app.state.repository.count() == 0


def test_double_submission_is_one_job(svc):
    svc.app.state.enqueue = lambda job_id: svc.ran.append(job_id)  # nothing runs: the job stays queued
    a = submit(svc, "lu_sub").json()
    b = submit(svc, "lu_sub").json()
    assert a["id"] == b["id"] and svc.ran == [a["id"]]


def test_rate_limit_per_key(tmp_path):
    svc = make_service(tmp_path, rate_limit_per_minute=3)
    codes = [svc.client.get("/api/v1/jobs", headers=svc.auth("lu_exam")).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    r = svc.client.get("/api/v1/jobs", headers=svc.auth("lu_exam"))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    # another key has its own bucket
    assert svc.client.get("/api/v1/jobs", headers=svc.auth("rtu_exam")).status_code == 200


def test_health_readiness_metrics(svc):
    assert svc.client.get("/healthz").json() == {"status": "ok"}
    assert svc.client.get("/readyz").json() == {"status": "ready"}
    submit(svc, "lu_sub")
    text = svc.client.get("/metrics").text
    assert 'kratuve_jobs{state="done"} 1.0' in text
    assert 'kratuve_http_requests_total{method="POST",route="/api/v1/theses",status="202"} 1.0' in text
    assert "kratuve_theses 1.0" in text
    spec = svc.client.get("/openapi.json").json()
    assert "/api/v1/theses" in spec["paths"] and "/oai" in spec["paths"]


def test_restricted_sources_are_withheld_from_other_institutions(svc):
    """Every thesis is compared against; a restricted source's text reaches only its own institution."""
    secret = submit(svc, "rtu_sub", meta={"title": "Slepens RTU darbs", "institution": "RTU", "access": "restricted"})
    secret_id = svc.client.get(f"/api/v1/jobs/{secret.json()['id']}", headers=svc.auth("rtu_sub")).json()["thesis_id"]
    copy = UDHR_LV + b"\n\n" + "Mans secinājums ir tāds, ka tiesības ir svarīgas visiem.".encode()
    job = submit(svc, "lu_sub", data=copy, name="lu.txt", meta={"title": "LU darbs", "institution": "LU"}).json()
    report_id = svc.client.get(f"/api/v1/jobs/{job['id']}", headers=svc.auth("lu_sub")).json()["report_id"]
    stored = svc.app.state.repository.get_report(report_id).payload_json
    passage = json.loads(stored)["report"]["matches"][0]["source"]["text"]
    assert len(passage) > 100  # the stored report keeps the text

    body = svc.client.get(f"/api/v1/reports/{report_id}", headers=svc.auth("lu_exam")).json()
    (source,) = [s["source"] for s in body["sources"] if s["source"]["id"] == secret_id]
    assert source["withheld"] == "restricted" and source["institution"] == "RTU"
    ours = [m for m in body["matches"] if m["source_id"] == secret_id]
    assert ours and all(m["source"]["text"] == "" for m in ours)
    assert all(m["submission"]["text"] for m in ours)  # the examiner still sees what matched, and where
    assert body["similarity_index"] > 90
    html = svc.client.get(f"/api/v1/reports/{report_id}.html", headers=svc.auth("lu_exam")).text
    assert "source text withheld (restricted; RTU)" in html

    # the examiner's web viewer, with one of those matches chosen
    import re

    page = svc.client.get("/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert svc.client.post("/login", data={"api_key": svc.keys["lu_exam"], "csrf": csrf, "next": "/search"},
                           follow_redirects=False).status_code == 303
    viewer = svc.client.get(f"/reports/{report_id}", params={"match": ours[0]["id"], "lang": "en"}).text
    assert 'id="passage-source-withheld"' in viewer and 'id="passage-source"' not in viewer
    assert "Ask RTU for access." in viewer or "Piekļuvi var lūgt iestādei RTU." in viewer

    # a national administrator sees the source's text, in JSON and beside each match in the HTML
    full = svc.client.get(f"/api/v1/reports/{report_id}", headers=svc.auth("admin")).json()
    assert any(m["source"]["text"] == passage for m in full["matches"])
    assert all(s["source"]["withheld"] == "" for s in full["sources"])
    admin_html = svc.client.get(f"/api/v1/reports/{report_id}.html", headers=svc.auth("admin")).text
    assert "source text withheld" not in admin_html
    # the copied text stands on the submission side for both; on the source side only for the admin
    assert html.count(passage[:60]) < admin_html.count(passage[:60])
