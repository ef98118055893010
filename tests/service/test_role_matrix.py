"""Every REST endpoint with every role: the status each caller gets.

LU's submitter stored an open thesis (with its report) and a restricted one; RTU's
keys must see neither the restricted record, nor LU's jobs or reports; the public
searches and reads open records only. After the set-up, submissions are queued, not run.
"""

from __future__ import annotations

import json
import secrets

import pytest

from service_support import DEMO, make_service

ROLES = ("public", "lu_sub", "lu_exam", "rtu_sub", "rtu_exam", "lu_admin", "admin")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    svc = make_service(tmp_path_factory.mktemp("matrix"), rate_limit_per_minute=0, public_rate_limit_per_minute=0)
    ids = {}
    for name, file, access in (("open", "udhr.lv.txt", "open"), ("restricted", "udhr.en.txt", "restricted")):
        r = svc.client.post("/api/v1/theses", headers=svc.auth("lu_sub"),
                            files={"file": (file, (DEMO / file).read_bytes())},
                            data={"metadata": json.dumps({"title": name, "institution": "LU", "access": access})})
        job = svc.client.get(f"/api/v1/jobs/{r.json()['id']}", headers=svc.auth("lu_sub")).json()
        assert job["state"] == "done", job
        ids[name], ids[f"{name}_job"], ids[f"{name}_report"] = job["thesis_id"], job["id"], job["report_id"]
    svc.app.state.enqueue = lambda job_id: None  # from here on, submissions only queue
    yield svc, ids
    svc.client.close()


def call(svc, who, method, path, **kw):
    headers = {} if who == "public" else svc.auth(who)
    return svc.client.request(method, path, headers=headers, **kw).status_code


def upload(meta=True):
    body = (DEMO / "common_voice_terms.lv.txt").read_bytes() + secrets.token_hex(8).encode()
    data = {"metadata": json.dumps({"title": "Jauns", "institution": "LU"})} if meta else {}
    return {"files": {"file": ("jauns.txt", body)}, "data": data}


#                     public lu_sub lu_exam rtu_sub rtu_exam lu_admin admin
EXPECTED = {
    "submit thesis":     (401, 202, 403, 403, 403, 202, 202),
    "submit check":      (401, 202, 403, 202, 403, 202, 202),
    "LU job":            (404, 200, 200, 404, 404, 200, 200),
    "list jobs":         (401, 200, 200, 200, 200, 200, 200),
    "open thesis":       (200, 200, 200, 200, 200, 200, 200),
    "restricted thesis": (404, 200, 200, 404, 404, 200, 200),
    "restricted versions": (404, 200, 200, 404, 404, 200, 200),
    "open versions":     (200, 200, 200, 200, 200, 200, 200),
    "report json":       (401, 200, 200, 404, 404, 200, 200),
    "report html":       (401, 200, 200, 404, 404, 200, 200),
    "report pdf":        (401, 200, 200, 404, 404, 200, 200),
    "restricted report": (401, 200, 200, 404, 404, 200, 200),
    "search":            (200, 200, 200, 200, 200, 200, 200),
    "list institutions": (401, 403, 403, 403, 403, 200, 200),
    "add institution":   (401, 403, 403, 403, 403, 403, 201),
    "list keys":         (401, 403, 403, 403, 403, 200, 200),
    "create LU key":     (401, 403, 403, 403, 403, 201, 201),
    "create RTU key":    (401, 403, 403, 403, 403, 403, 201),
    "revoke LU key":     (401, 403, 403, 403, 403, 200, 200),
    "revoke RTU key":    (401, 403, 403, 403, 403, 404, 200),
}


def request_for(what, svc, ids):
    store = svc.app.state.store
    match what:
        case "submit thesis":
            return "POST", "/api/v1/theses", upload()
        case "submit check":
            return "POST", "/api/v1/checks", upload(meta=False)
        case "LU job":
            return "GET", f"/api/v1/jobs/{ids['open_job']}", {}
        case "list jobs":
            return "GET", "/api/v1/jobs", {}
        case "open thesis":
            return "GET", f"/api/v1/theses/{ids['open']}", {}
        case "restricted thesis":
            return "GET", f"/api/v1/theses/{ids['restricted']}", {}
        case "restricted versions":
            return "GET", f"/api/v1/theses/{ids['restricted']}/versions", {}
        case "open versions":
            return "GET", f"/api/v1/theses/{ids['open']}/versions", {}
        case "report json":
            return "GET", f"/api/v1/reports/{ids['open_report']}", {}
        case "report html":
            return "GET", f"/api/v1/reports/{ids['open_report']}.html", {}
        case "report pdf":
            return "GET", f"/api/v1/reports/{ids['open_report']}.pdf", {}
        case "restricted report":
            return "GET", f"/api/v1/reports/{ids['restricted_report']}", {}
        case "search":
            return "GET", "/api/v1/search", {"params": {"q": "tiesības"}}
        case "list institutions":
            return "GET", "/api/v1/institutions", {}
        case "add institution":
            return "POST", "/api/v1/institutions", {"json": {"code": f"X{secrets.token_hex(3)}", "name": "Jauna"}}
        case "list keys":
            return "GET", "/api/v1/keys", {}
        case "create LU key":
            return "POST", "/api/v1/keys", {"json": {"role": "examiner", "institution": "LU"}}
        case "create RTU key":
            return "POST", "/api/v1/keys", {"json": {"role": "examiner", "institution": "RTU"}}
        case "revoke LU key":
            return "DELETE", f"/api/v1/keys/{store.create_key('examiner', 'LU')[0].id}", {}
        case "revoke RTU key":
            return "DELETE", f"/api/v1/keys/{store.create_key('examiner', 'RTU')[0].id}", {}
    raise AssertionError(what)


@pytest.mark.parametrize("what", list(EXPECTED))
@pytest.mark.parametrize("who", ROLES)
def test_endpoint_by_role(world, what, who):
    svc, ids = world
    method, path, kw = request_for(what, svc, ids)
    assert call(svc, who, method, path, **kw) == EXPECTED[what][ROLES.index(who)]


def test_what_each_role_sees_in_lists(world):
    svc, ids = world
    hits = svc.client.get("/api/v1/search", params={"q": "cilvēks"}).json()["hits"]
    assert ids["restricted"] not in [h["thesis_id"] for h in hits]
    lu_jobs = {j["id"] for j in svc.client.get("/api/v1/jobs", headers=svc.auth("lu_exam")).json()}
    assert {ids["open_job"], ids["restricted_job"]} <= lu_jobs
    assert not lu_jobs & {j["id"] for j in svc.client.get("/api/v1/jobs", headers=svc.auth("rtu_exam")).json()}
    lu_keys = svc.client.get("/api/v1/keys", headers=svc.auth("lu_admin")).json()
    assert lu_keys and {k["institution"] for k in lu_keys} == {"LU"}
    assert all("secret" not in json.dumps(k).lower() for k in lu_keys)
