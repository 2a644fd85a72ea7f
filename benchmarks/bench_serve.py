"""How fast `bibx serve` shows a large paste: the API's read, and the page's own performance marks.

    python benchmarks/bench_serve.py                 # 1,000 pasted papers, best of 5
    python benchmarks/bench_serve.py --papers 5000 --repeat 3 --browser

The API figure is the wall time of one ``POST /api/read`` of a generated author-profile page, measured
in this process against a server on a thread. With ``--browser`` (needs selenium, Debian's chromium
and chromedriver, as the browser tests do) the page is driven headless and its marks are read:
``bibx-rows-shown`` (summary and first rows painted) and ``bibx-rows-all`` (the last row appended),
both from ``bibx-read-start``. Best of ``--repeat`` runs, as timeit reports: bibx's cost, not another
process's turn on the CPU; the load average is printed beside it.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bibx.server import BibxServer  # noqa: E402  (after the path is set)
from bibx.testing import SEED_AS_OF, host_with  # noqa: E402
from tests.test_serve import call, load_generator  # noqa: E402
from tests.test_serve_browser import CHROMIUM_FLAGS, open_page, read_pasted  # noqa: E402


def pasted_page(papers: int) -> str:
    page = io.StringIO()
    load_generator().write_profile(page, papers, 0, 2026)
    return page.getvalue()


def api_seconds(server: BibxServer, text: str, papers: int) -> float:
    body = {"inputs": [{"name": "pasted text", "text": text}], "as_of": SEED_AS_OF.isoformat()}
    started = time.perf_counter()
    status, _, answer = call(server, "POST", "/api/read", body)
    elapsed = time.perf_counter() - started
    if status != 200 or len(answer["rows"]) != papers:
        raise SystemExit(f"the server answered {status} with {len(answer.get('rows', []))} rows for {papers} papers")
    return elapsed


def browser_seconds(server: BibxServer, text: str, papers: int, repeat: int) -> tuple[float, float]:
    import tempfile

    from selenium import webdriver

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not chromedriver:
        raise SystemExit("--browser needs Debian's chromium and chromedriver on PATH (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tempfile.mkdtemp(prefix='bibx-bench-chromium-')}"):
        options.add_argument(flag)
    driver: Any = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=chromedriver))
    try:
        open_page(driver, server)
        driver.execute_script("document.getElementById('paste').value = arguments[0]", text)
        timings = [read_pasted(driver, papers) for _ in range(repeat)]
    finally:
        driver.quit()
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--browser", action="store_true", help="also drive the page in headless chromium")
    args = parser.parse_args()
    text = pasted_page(args.papers)
    server = BibxServer(host_with(), 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        print(f"load average {os.getloadavg()[0]:.1f}, {args.papers:,} pasted papers, best of {args.repeat}")
        print(f"API /api/read: {min(api_seconds(server, text, args.papers) for _ in range(args.repeat)):.2f} s")
        if args.browser:
            shown, every_row = browser_seconds(server, text, args.papers, args.repeat)
            print(f"page: summary and first rows after {shown:.2f} s, every row after {every_row:.2f} s")
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
