"""The web pages through the ASGI app (no browser): access rules, languages, the
no-JavaScript report viewer, sign-in with CSRF, search and thesis pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.web.i18n import MESSAGES
from api.web.session import CSRF_COOKIE, SESSION_COOKIE
from similarity.report.recompute import apply_exclusions
from web_corpus import make_web_app


@pytest.fixture(scope="module")
def web(corpus):
    with pytest.MonkeyPatch.context() as mp:
        yield make_web_app(corpus, mp)


def client(web) -> TestClient:
    return TestClient(web.app, follow_redirects=False)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def login(web, who: str) -> TestClient:
    c = client(web)
    page = c.get("/login")
    r = c.post("/login", data={"api_key": web.keys[who], "csrf": csrf_of(page.text), "next": "/search"})
    assert r.status_code == 303, r.text
    return c


def index_shown(html: str) -> str:
    return re.search(r'id="similarity-index"[^>]*>([^<]+)<', html).group(1)


def test_catalogue_has_the_same_keys_in_both_languages() -> None:
    assert set(MESSAGES["lv"]) == set(MESSAGES["en"])
    assert all(MESSAGES["lv"][k] for k in MESSAGES["lv"])


def test_login_sets_a_signed_httponly_session_without_the_key(web) -> None:
    c = client(web)
    page = c.get("/login")
    assert page.status_code == 200 and CSRF_COOKIE in page.cookies
    key = web.keys["examiner-LU"]
    r = c.post("/login", data={"api_key": key, "csrf": csrf_of(page.text)})
    assert r.status_code == 303
    header = r.headers["set-cookie"]
    assert SESSION_COOKIE in header and "httponly" in header.lower() and "samesite=lax" in header.lower()
    assert key not in header
    assert "Signed in" in c.get("/search?lang=en").text


def test_login_refuses_a_wrong_key_and_a_missing_csrf_token(web) -> None:
    c = client(web)
    page = c.get("/login")
    r = c.post("/login", data={"api_key": "not-a-key", "csrf": csrf_of(page.text)})
    assert r.status_code == 401 and SESSION_COOKIE not in r.cookies
    r = c.post("/login", data={"api_key": web.keys["examiner-LU"], "csrf": "forged"})
    assert r.status_code == 400 and SESSION_COOKIE not in r.cookies


def test_a_forged_session_cookie_is_ignored(web, corpus) -> None:
    c = login(web, "examiner-RTU")
    token = c.cookies.get(SESSION_COOKIE)
    body, mac = token.split(".")
    import base64, json

    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["i"] = "LU"  # claim another institution
    forged = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":"), sort_keys=True).encode()).decode().rstrip("=")
    c.cookies.clear()
    c.cookies.set(SESSION_COOKIE, token)
    assert c.get(f"/reports/{corpus.report_id}").status_code == 404  # the genuine session: RTU may not see it
    c.cookies.clear()
    c.cookies.set(SESSION_COOKIE, f"{forged}.{mac}")
    assert c.get(f"/reports/{corpus.report_id}").status_code == 303  # not a session at all: back to sign-in


def test_logout_ends_the_session(web, corpus) -> None:
    c = login(web, "examiner-LU")
    page = c.get("/search")
    r = c.post("/logout", data={"csrf": csrf_of(page.text)})
    assert r.status_code == 303
    c.cookies.delete(SESSION_COOKIE)
    assert c.get(f"/reports/{corpus.report_id}").status_code == 303


@pytest.mark.parametrize(
    "who, status", [("examiner-LU", 200), ("admin-None", 200), ("examiner-RTU", 404), ("submitter-LU", 404)]
)
def test_only_examiners_of_the_institution_see_the_report(web, corpus, who, status) -> None:
    r = login(web, who).get(f"/reports/{corpus.report_id}")
    assert r.status_code == status
    if status != 200:
        # nothing of the report leaks: not its figures, not the submission's name
        assert corpus.report.submission.name not in r.text and corpus.copied["udhr"][:40] not in r.text
        assert login(web, who).get("/reports/01NOSUCHREPORT000000000000").status_code == 404


def test_anonymous_viewer_goes_to_sign_in(web, corpus) -> None:
    r = client(web).get(f"/reports/{corpus.report_id}")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_viewer_without_javascript_recomputes_on_the_server(web, corpus) -> None:
    c = login(web, "examiner-LU")
    report = corpus.report
    page = c.get(f"/reports/{corpus.report_id}").text
    assert index_shown(page) == f"{report.similarity_index:.2f}%"
    assert page.count('class="hl') >= len(report.matches)
    counted = [s.source.id for s in report.sources[1:]]
    params = [("x", "1"), ("quotations", "1"), ("min_words", str(report.exclusions.min_words))] + [("source", s) for s in counted]
    page = c.get(f"/reports/{corpus.report_id}", params=params).text
    expected = apply_exclusions(
        report, report.exclusions.model_copy(update={"quotations": True, "excluded_sources": [report.sources[0].source.id]})
    )
    assert expected.similarity_index != report.similarity_index
    assert index_shown(page) == f"{expected.similarity_index:.2f}%"
    assert 'id="ex-quotations" name="quotations" value="1" aria-controls="similarity-index" checked' in page
    # the embedded JSON is the stored report, so the page can switch any exclusion back
    assert f'"similarity_index": {report.similarity_index}' in page


def test_viewer_selects_a_match_without_javascript(web, corpus) -> None:
    match = corpus.report.matches[-1]
    page = login(web, "examiner-LU").get(f"/reports/{corpus.report_id}?match={match.id}").text
    source_side = re.search(r'<blockquote id="passage-source">(.*?)</blockquote>', page, re.S).group(1)
    assert source_side.startswith(match.source.text[:50])


def test_report_pdf_download(web, corpus) -> None:
    c = login(web, "examiner-LU")
    r = c.get(f"/reports/{corpus.report_id}/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert login(web, "examiner-RTU").get(f"/reports/{corpus.report_id}/report.pdf").status_code == 404


def test_language_switch_and_default(web) -> None:
    c = client(web)
    lv = c.get("/search").text
    assert '<html lang="lv">' in lv and MESSAGES["lv"]["search_title"] in lv
    r = c.get("/search?lang=en")
    assert '<html lang="en">' in r.text and MESSAGES["en"]["search_title"] in r.text
    assert "kratuve_lang=en" in r.headers["set-cookie"]
    assert '<html lang="en">' in c.get("/search").text  # the cookie remembers


def test_public_search_shows_open_theses_only(web, corpus) -> None:
    c = client(web)
    page = c.get("/search", params={"q": "cilvēktiesību deklarācijas"}).text
    assert f'/theses/{corpus.open_thesis.id}' in page and "<mark>" in page
    # the restricted thesis's own words find nothing, and its id never appears
    page = c.get("/search", params={"q": corpus.restricted.metadata.title}).text
    assert corpus.restricted.id not in page
    everything = c.get("/search").text
    assert corpus.open_thesis.id in everything and corpus.restricted.id not in everything
    assert corpus.submission.id not in everything
    # facets filter
    page = c.get("/search", params={"institution": "RTU"}).text
    assert corpus.other_open.id in page and corpus.open_thesis.id not in page


def test_thesis_page_and_restricted_thesis(web, corpus, ) -> None:
    c = client(web)
    page = c.get(f"/theses/{corpus.open_thesis.id}").text
    assert corpus.open_thesis.metadata.title in page
    assert f"{corpus.settings.pid_prefix}:{corpus.open_thesis.id}" in page
    assert f"{corpus.settings.public_base_url}/theses/{corpus.open_thesis.id}" in page
    assert c.get(f"/theses/{corpus.open_thesis.id}/text").status_code == 200
    assert c.get(f"/theses/{corpus.restricted.id}").status_code == 404
    assert c.get(f"/theses/{corpus.restricted.id}/text").status_code == 404
    # an examiner of its own institution sees it
    assert login(web, "examiner-LU").get(f"/theses/{corpus.restricted.id}/text").status_code == 200


def test_static_files_and_no_external_resources(web, corpus) -> None:
    c = login(web, "examiner-LU")
    assert c.get("/web-static/site.css").status_code == 200
    assert c.get("/web-static/viewer.js").status_code == 200
    assert c.get("/web-static/../router.py").status_code == 404
    page = c.get(f"/reports/{corpus.report_id}").text
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_a_revoked_key_ends_its_sessions(web, corpus) -> None:
    if not web.real_core:
        pytest.skip("key revocation needs the service core's store (api.service.store)")
    store = web.app.state.store
    key, secret = store.create_key("examiner", "LU", label="to be revoked")
    c = client(web)
    page = c.get("/login")
    assert c.post("/login", data={"api_key": secret, "csrf": csrf_of(page.text)}).status_code == 303
    assert c.get(f"/reports/{corpus.report_id}").status_code == 200
    store.revoke_key(key.id)
    assert c.get(f"/reports/{corpus.report_id}").status_code == 303


def test_rest_api_accepts_the_browser_session(web, corpus) -> None:
    if not web.real_core:
        pytest.skip("the REST API is the service core's (api.service)")
    c = login(web, "examiner-LU")
    r = c.get(f"/api/v1/reports/{corpus.report_id}")
    assert r.status_code == 200 and r.json()["similarity_index"] == corpus.report.similarity_index
