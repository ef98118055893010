"""The pages in a real browser: Chromium driven by Selenium against a live uvicorn server.

Sign in with a key, read the report viewer (highlights, the source passage
beside a chosen match, exclusions recomputed in the page), reach the toggles by
keyboard alone, switch the language, and search as the public. Screenshots go
to ``$KRATUVE_SCREENSHOT_DIR`` (or the test's tmp dir) and are checked.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from similarity.report.html import PALETTE
from similarity.report.recompute import apply_exclusions
from web_corpus import make_web_app
from local_servers import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason=f"browser tests need Debian's {CHROMIUM} and {CHROMEDRIVER} (apt install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def server(corpus):
    import uvicorn

    with pytest.MonkeyPatch.context() as mp:
        web = make_web_app(corpus, mp)
        port = free_port()
        config = uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        srv = uvicorn.Server(config)
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("the uvicorn server did not start")
            time.sleep(0.05)
        yield web, f"http://127.0.0.1:{port}"
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--window-size=1400,1000", "--disable-dev-shm-usage", "--lang=lv"):
        options.add_argument(arg)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    drv.implicitly_wait(0)
    yield drv
    drv.quit()


@pytest.fixture()
def shots(tmp_path) -> Path:
    where = Path(os.environ.get("KRATUVE_SCREENSHOT_DIR") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def wait_for(condition, what: str, timeout: float = 10.0):
    """Poll until ``condition()`` is truthy (a page is asynchronous); fail with ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def sign_in(driver, base: str, key: str, next_path: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{base}/login?next={next_path}")
    driver.find_element(By.ID, "api_key").send_keys(key)
    driver.find_element(By.ID, "login-submit").click()
    # the path, not the whole URL: the sign-in page's own URL ends with ?next=<next_path>
    wait_for(lambda: urlsplit(driver.current_url).path == next_path, f"redirect to {next_path}")


def check_png(path: Path, colour: str | None = None) -> None:
    from PIL import Image

    with Image.open(path) as img:
        img.load()
        assert img.format == "PNG" and img.width >= 800 and img.height >= 600
        if colour is not None:
            want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
            counts = {rgb: n for n, rgb in img.convert("RGB").getcolors(img.width * img.height)}
            assert counts.get(want, 0) > 200, f"no {colour} highlight in {path.name}"


def index_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, "similarity-index").text


def test_report_viewer_in_the_browser(server, corpus, driver, shots) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    web, base = server
    report = corpus.report
    path = f"/reports/{corpus.report_id}"
    sign_in(driver, base, web.keys["examiner-LU"], path)
    session = next(c for c in driver.get_cookies() if c["name"] == "kratuve_session")
    assert session["httpOnly"] and web.keys["examiner-LU"] not in session["value"]

    # highlighted matches are visible, in the source's colour
    marks = driver.find_elements(By.CSS_SELECTOR, "#fulltext a.hl")
    assert len(marks) >= len(report.matches) and all(m.is_displayed() for m in marks[:1])
    assert index_text(driver) == f"{report.similarity_index:.2f}%"
    first = report.matches[0]
    mark = driver.find_element(By.CSS_SELECTOR, f'#fulltext a.hl[data-ids~="{first.id}"]')
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
    shot = shots / "viewer.png"
    driver.save_screenshot(str(shot))
    colour = PALETTE[[s.source.id for s in report.sources].index(first.source_id) % len(PALETTE)]
    check_png(shot, colour)

    # clicking a highlight shows its source passage beside the text
    mark.click()
    wait_for(lambda: driver.find_elements(By.ID, "passage-source"), "the source passage")
    assert driver.find_element(By.ID, "passage-source").text == " ".join(first.source.text.split()) or \
        driver.find_element(By.ID, "passage-source").text.split() == first.source.text.split()
    viewer_box = driver.find_element(By.ID, "fulltext").rect
    passage_box = driver.find_element(By.ID, "passage").rect
    assert passage_box["x"] > viewer_box["x"] + viewer_box["width"] / 2  # beside, not below

    # pressing Enter on another highlight shows that one
    last = report.matches[-1]
    other = driver.find_element(By.CSS_SELECTOR, f'#fulltext a.hl[data-ids~="{last.id}"]')
    driver.execute_script("arguments[0].focus()", other)
    other.send_keys(Keys.ENTER)
    wait_for(lambda: driver.find_element(By.ID, "passage-source").text.split() == last.source.text.split(),
             "the passage of the last match")
    driver.save_screenshot(str(shots / "viewer-passage.png"))
    check_png(shots / "viewer-passage.png")

    # switching exclusions recomputes the index and shares at once, as the server does
    driver.find_element(By.ID, "ex-quotations").click()
    expected = apply_exclusions(report, report.exclusions.model_copy(update={"quotations": True}))
    assert expected.similarity_index != report.similarity_index
    wait_for(lambda: index_text(driver) == f"{expected.similarity_index:.2f}%", "the index without quotations")
    dropped = report.sources[0].source.id
    driver.find_element(By.CSS_SELECTOR, f'input.source-toggle[value="{dropped}"]').click()
    expected = apply_exclusions(
        report, report.exclusions.model_copy(update={"quotations": True, "excluded_sources": [dropped]})
    )
    wait_for(lambda: index_text(driver) == f"{expected.similarity_index:.2f}%", "the index without a source")
    share = driver.find_element(By.CSS_SELECTOR, f'[data-share-for="{dropped}"]').text
    assert share == "0.00%"
    for s in expected.sources:
        assert driver.find_element(By.CSS_SELECTOR, f'[data-share-for="{s.source.id}"]').text == f"{s.share:.2f}%"
    excluded_marks = driver.find_elements(By.CSS_SELECTOR, "#fulltext a.hl.excluded")
    assert excluded_marks, "excluded matches are shown as excluded"
    driver.save_screenshot(str(shots / "viewer-exclusions.png"))
    check_png(shots / "viewer-exclusions.png")


def test_keyboard_reaches_the_toggles(server, corpus, driver, shots) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    web, base = server
    sign_in(driver, base, web.keys["examiner-LU"], f"/reports/{corpus.report_id}")
    seen = []  # a fresh page: sequential focus starts at the top
    for _ in range(40):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        active = driver.execute_script(
            "var e = document.activeElement; return [e.id, e.tagName, e.className, getComputedStyle(e).outlineStyle]"
        )
        seen.append(active)
        if active[0] == "ex-quotations":
            break
    ids = [s[0] for s in seen]
    assert seen[0][2] == "skip-link", "the skip link comes first"
    assert "ex-quotations" in ids, f"the quotation toggle is not reachable by Tab: {ids}"
    assert seen[-1][3] != "none", "the focused toggle has a visible outline"
    before = index_text(driver)
    ActionChains(driver).send_keys(Keys.SPACE).perform()  # toggle with the keyboard
    wait_for(lambda: index_text(driver) != before, "the index to change after Space")
    for _ in range(3):  # bibliography, min words, then the first source toggle
        ActionChains(driver).send_keys(Keys.TAB).perform()
    assert "source-toggle" in driver.execute_script("return document.activeElement.className")
    driver.save_screenshot(str(shots / "viewer-keyboard.png"))
    check_png(shots / "viewer-keyboard.png")


def test_language_switch(server, corpus, driver, shots) -> None:
    from selenium.webdriver.common.by import By

    web, base = server
    sign_in(driver, base, web.keys["examiner-LU"], f"/reports/{corpus.report_id}")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "lv"
    assert driver.find_element(By.TAG_NAME, "h1").text == "Līdzības pārskats"
    driver.find_element(By.ID, "lang-en").click()
    wait_for(lambda: driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en", "English page")
    assert driver.find_element(By.TAG_NAME, "h1").text == "Similarity report"
    assert driver.find_element(By.CSS_SELECTOR, 'label[for="ex-quotations"]').text == "Do not count quotations"
    driver.get(f"{base}/search")  # the choice is remembered
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    driver.save_screenshot(str(shots / "search-en.png"))
    check_png(shots / "search-en.png")


def test_public_search(server, corpus, driver, shots) -> None:
    from selenium.webdriver.common.by import By

    web, base = server
    driver.get(f"{base}/search")
    box = driver.find_element(By.ID, "q")
    box.send_keys("cilvēktiesību deklarācija")
    box.submit()
    wait_for(lambda: "q=" in driver.current_url, "the results page")
    found = [e.get_attribute("data-thesis") for e in driver.find_elements(By.CSS_SELECTOR, "li.hit")]
    assert corpus.open_thesis.id in found
    assert driver.find_elements(By.CSS_SELECTOR, "li.hit .snippet mark")
    driver.save_screenshot(str(shots / "search.png"))
    check_png(shots / "search.png")
    driver.get(f"{base}/search?q=" + corpus.restricted.metadata.title.split()[2])
    found = [e.get_attribute("data-thesis") for e in driver.find_elements(By.CSS_SELECTOR, "li.hit")]
    assert corpus.restricted.id not in found
    driver.get(f"{base}/theses/{corpus.restricted.id}")
    assert corpus.restricted.metadata.title not in driver.page_source


def test_page_and_server_compute_the_same_figures(server, corpus, driver) -> None:
    """Every combination of the switches: the figures in the page equal apply_exclusions'."""
    import itertools

    from selenium.webdriver.common.by import By

    web, base = server
    report = corpus.report
    sign_in(driver, base, web.keys["examiner-LU"], f"/reports/{corpus.report_id}")
    thresholds = sorted({m.words for m in report.matches})[:3]
    dropped_choices = [[], [report.sources[-1].source.id]]
    checked = 0
    for quotations, bibliography, min_words, dropped in itertools.product(
        (False, True), (False, True), thresholds, dropped_choices
    ):
        driver.execute_script(
            """
            const [q, b, n, dropped] = arguments;
            const form = document.getElementById('exclusions-form');
            form.elements.quotations.checked = q;
            form.elements.bibliography.checked = b;
            form.elements.min_words.value = n;
            form.querySelectorAll('input.source-toggle').forEach(x => { x.checked = !dropped.includes(x.value); });
            form.dispatchEvent(new Event('change'));
            """,
            quotations, bibliography, min_words, dropped,
        )
        expected = apply_exclusions(report, report.exclusions.model_copy(update={
            "quotations": quotations, "bibliography": bibliography, "min_words": min_words,
            "excluded_sources": dropped,
        }))
        assert index_text(driver) == f"{expected.similarity_index:.2f}%"
        shares = {s.source.id: s.share for s in expected.sources}
        for s in report.sources:
            cell = driver.find_element(By.CSS_SELECTOR, f'[data-share-for="{s.source.id}"]').text
            assert cell == f"{shares.get(s.source.id, 0.0):.2f}%"
        checked += 1
    assert checked == 2 * 2 * len(thresholds) * len(dropped_choices)
