"""``bibx serve`` in a real browser: Debian's headless Chromium driven through its chromedriver (Selenium).

Marked ``external``: skipped without chromium and chromedriver, a failure under CI=true (.ci/run
installs both). The screenshot of the README is taken here, into the test's temporary folder;
``BIBX_UPDATE_SCREENSHOT=1`` also writes it to docs/serve.png.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bibx.server import BibxServer
from bibx.testing import host_with, run_cli, seed_files
from tests.helpers import require_tool
from tests.test_serve import BAD_RECORD, without_entry

pytestmark = pytest.mark.external
SCREENSHOT = Path(__file__).parent.parent / "docs" / "serve.png"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1400,1700",
)
WAIT_SECONDS = 30


@pytest.fixture(scope="module")
def server() -> Iterator[BibxServer]:
    server = BibxServer(host_with(), 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[Any]:
    chromium, chromedriver = require_tool("chromium"), require_tool("chromedriver")
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromedriver))
    yield driver
    driver.quit()


def wait_for(condition: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # noqa: BLE001 - an element replaced while looked at: look again
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def by_css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def text_of(driver: Any, element_id: str) -> str:
    return driver.execute_script("return document.getElementById(arguments[0]).textContent", element_id)


def open_page(driver: Any, server: BibxServer) -> None:
    driver.get(server.url)
    wait_for(lambda: by_css(driver, "#format option[value=bibtex]"), "the format list")


def drop_seeds(driver: Any) -> None:
    by_css(driver, "#files")[0].send_keys("\n".join(str(path) for path in seed_files()))
    wait_for(lambda: len(by_css(driver, "#papers tbody tr[data-key]")) == 200, "200 rows")


def test_seeds_become_200_rows_and_the_bibtex_of_a_selection_is_the_cli_export(browser: Any, server: BibxServer, downloads: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    open_page(browser, server)
    drop_seeds(browser)
    first = by_css(browser, "#papers tbody tr")[0]
    assert "Sha Yuan, Hanyu Zhao, Shuai Zhao et al. (truncated)" in first.text and "cs.LG" in first.text
    wait_for(lambda: "written 200" in text_of(browser, "summary"), "the summary of the preview")

    row = by_css(browser, "#papers tbody tr[data-key]")[7]
    dropped = row.get_attribute("data-key")
    box = by_css(browser, f'input[data-key="{dropped}"]')[0]
    browser.execute_script("arguments[0].focus()", box)
    box.send_keys(Keys.SPACE)  # the keyboard alone deselects a row
    wait_for(lambda: "excluded" in row.get_attribute("class"), "the row marked excluded")
    wait_for(lambda: text_of(browser, "summary").endswith("written 199, skipped 0, rejected 0, warnings 0, deselected 1"), "the new summary")
    assert "199 of 200 papers included" in text_of(browser, "selection-count")

    by_css(browser, "#download")[0].click()
    saved = wait_for(lambda: (downloads / "references.bib").is_file() and downloads / "references.bib", "references.bib")
    cli = run_cli(["export", *map(str, seed_files()), "--format", "bibtex"]).stdout
    assert saved.read_text(encoding="utf-8") == without_entry(cli, dropped)


def test_apa_shows_the_formatted_list_and_the_screenshot_is_taken(browser: Any, server: BibxServer, tmp_path: Path) -> None:
    from selenium.webdriver.support.select import Select

    open_page(browser, server)
    drop_seeds(browser)
    by_css(browser, "#papers tbody tr[data-key] input")[3].click()  # one paper left out, as the screenshot shows
    wait_for(lambda: "deselected 1" in text_of(browser, "summary"), "the deselection")
    Select(by_css(browser, "#format")[0]).select_by_value("refs")
    style = wait_for(lambda: [element for element in by_css(browser, "#style") if element.is_displayed()], "the style picker")[0]
    style.send_keys("apa")
    wait_for(lambda: "apa" in [option.get_attribute("value") for option in by_css(browser, "#style-list option")], "apa among the styles found")
    browser.execute_script("document.getElementById('style').dispatchEvent(new Event('change'))")  # what choosing from the list fires
    formatted = "Miao, X., Zhang, H., & Shi, Y., et al. (2021). HET: Scaling out Huge Embedding Model Training"
    wait_for(lambda: formatted in text_of(browser, "preview"), "the APA list in the preview")
    assert text_of(browser, "file-name") == "references.txt (text/plain)"

    wait_for(lambda: not by_css(browser, "#busy")[0].is_displayed(), "the page to be idle")
    assert browser.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"), (
        "the page is wider than the window"
    )
    browser.execute_script("window.scrollTo(0, 0); document.querySelector('.table-wrap').scrollTop = 0")
    shot = tmp_path / "serve.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("BIBX_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, SCREENSHOT)


def test_a_pasted_bad_record_is_marked_on_its_row_with_its_line_and_hostile_text_stays_text(browser: Any, server: BibxServer) -> None:
    open_page(browser, server)
    hostile = '@article{evil, title = {<img src=x onerror="document.title=1"><script>document.title=2</script>}, year = {2020}}\n\n'
    paste(browser, hostile + BAD_RECORD)
    rejected = wait_for(lambda: by_css(browser, "#papers tbody tr.rejected"), "the rejected row")[0]
    assert "pasted text:9" in rejected.text and "✖ Rejected — line 9: record has no title" in rejected.text
    assert "✖ not read" in rejected.text  # said in words, not by colour alone
    rows = by_css(browser, "#papers tbody tr")
    assert '<img src=x onerror="document.title=1"><script>document.title=2</script>' in rows[0].text
    assert not by_css(browser, "#papers tbody img, #papers tbody script") and browser.title.startswith("bibx")


def paste(driver: Any, text: str) -> None:
    """What a paste does, without typing a long text key by key."""
    area = by_css(driver, "#paste")[0]
    driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input'))", area, text)


def test_a_thousand_pasted_papers_are_all_shown_first_rows_before_the_rest(browser: Any, server: BibxServer) -> None:
    # How fast is measured by benchmarks/bench_serve.py --browser, not here: a timed test measures the machine's load.
    from tests.test_serve import load_generator

    page = io.StringIO()
    load_generator().write_profile(page, 1000, 0, 2026)
    open_page(browser, server)
    browser.execute_script("document.getElementById('paste').value = arguments[0]", page.getvalue())
    shown, every_row = read_pasted(browser, 1000)
    assert 0 < shown <= every_row


def read_pasted(browser: Any, papers: int) -> tuple[float, float]:
    """Seconds from the Read request to the first rows painted, and to the last row appended (the page's own marks)."""
    by_css(browser, "#read")[0].click()
    wait_for(lambda: browser.execute_script("return performance.getEntriesByName('bibx-rows-all').length"), "every row")
    assert browser.execute_script("return document.querySelectorAll('#papers tbody tr[data-key]').length") == papers
    assert f"read {papers}," in text_of(browser, "summary")
    shown, every_row = browser.execute_script(
        "const start = performance.getEntriesByName('bibx-read-start')[0].startTime;"
        "return ['bibx-rows-shown', 'bibx-rows-all'].map((name) => (performance.getEntriesByName(name)[0].startTime - start) / 1000)"
    )
    return shown, every_row


def test_the_resolve_switch_completes_the_papers_from_arxiv(
    browser: Any, server: BibxServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.fake_arxiv import FakeArxiv, load_corpus

    monkeypatch.setenv("BIBX_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("BIBX_ARXIV_DELAY", "0")
    record = load_corpus()[0]
    open_page(browser, server)
    paste(browser, f"@misc{{k, title = {{{record['title']}}}, author = {{{record['authors'][0]} and others}}}}\n")
    wait_for(lambda: "et al." in by_css(browser, "#papers tbody tr")[0].text, "the truncated row")
    with FakeArxiv([record]) as fake:
        monkeypatch.setenv("BIBX_ARXIV_API_URL", fake.url)
        switch = by_css(browser, "#resolve")[0]
        assert switch.get_attribute("role") == "switch"
        switch.click()
        wait_for(lambda: ", ".join(record["authors"]) in by_css(browser, "#papers tbody tr")[0].text, "the authors arXiv gives")
    assert "et al." not in by_css(browser, "#papers tbody tr")[0].text
