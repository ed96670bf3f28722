"""The zero-install edition (JupyterLite) against JupyterLab on the same machine.

For one lesson, in Debian's Chromium: page load to kernel idle, first activity shown after
Run All, and lesson run-all (from Run All to every cell run), on a cold visit (fresh browser
profile: nothing cached) and a warm one (same profile, page opened again). The lite site is
built with ``workbook lite build`` (downloads cached) and served on 127.0.0.1; JupyterLab runs
as the browser tests start it. Also the site's size and the bytes fetched on a cold visit.
Targets (issue 20): kernel idle <= 10 s cold and <= 5 s warm, run-all <= 3 s, site <= 40 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT

from tests.browser_harness import ALL_RUN, CHROMIUM, KERNEL_IDLE, copy_course, start_lab, stop_lab

FIRST_ACTIVITY = ("() => !!document.querySelector('.jp-OutputArea-output .widget-box, "
                  ".jp-OutputArea-output .jupyter-widgets')")


def visit(page, url: str) -> dict[str, float]:
    """Seconds from navigation to kernel idle, then from Run All to the first activity and to
    every cell run."""
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=120_000)
    page.wait_for_function(KERNEL_IDLE, timeout=240_000, polling=100)
    idle = time.perf_counter() - start
    start = time.perf_counter()
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(FIRST_ACTIVITY, timeout=240_000, polling=50)
    first = time.perf_counter() - start
    page.wait_for_timeout(200)
    page.wait_for_function(ALL_RUN, timeout=240_000, polling=50)
    return {"kernel idle": idle, "first activity": first,
            "run-all": time.perf_counter() - start}


def measure(browser, address, repeats: int, between=lambda: None) -> dict:
    """Median cold and warm figures over ``repeats`` visits each, and MB fetched cold.
    ``address()`` gives the page to open, ``between()`` runs after each visit."""
    cold, warm, fetched = [], [], []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sizes: list[int] = []
        page.on("response", lambda r, sizes=sizes: sizes.append(
            int(r.headers.get("content-length", "0") or 0)))
        cold.append(visit(page, address()))
        fetched.append(sum(sizes) / 1e6)
        page.close()
        between()
        warm.append(visit(context.new_page(), address()))
        context.close()
        between()

    def median(runs):
        return {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    return {"cold": median(cold), "warm": median(warm),
            "MB fetched cold": statistics.median(fetched)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lesson", default="02_assertive_aggressive_passive.ipynb")
    parser.add_argument("--cache", default=None, help="lite download cache")
    parser.add_argument("--lite-only", action="store_true",
                        help="measure the lite edition only (JupyterLab's columns are left out)")
    parser.add_argument("--screenshot", default=None,
                        help="also save a PNG of the lesson in the lite edition after Run All")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from workbook.lite.build import build_site
    from workbook.lite.serve import make_server

    with tempfile.TemporaryDirectory(prefix="bench-lite-") as temp:
        work = Path(temp)
        start = time.perf_counter()
        site = build_site(ROOT, work / "site", Path(args.cache) if args.cache else None,
                          step=lambda line: None)
        build_seconds = time.perf_counter() - start
        server = make_server(site.out, 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        lite_url = (f"http://127.0.0.1:{server.server_address[1]}/lab/index.html?path="
                    f"notebooks/{args.lesson}")
        lab = None if args.lite_only else start_lab(copy_course(ROOT, work / "course"), work)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
                lite = measure(browser, lambda: lite_url, args.repeats)
                if args.screenshot:
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    visit(page, lite_url)
                    page.screenshot(path=args.screenshot)
                    page.close()
                jlab = lite if lab is None else measure(
                    browser, lambda: lab.address(f"notebooks/{args.lesson}"), args.repeats,
                    lab.shut_down_kernels)
                browser.close()
        finally:
            if lab is not None:
                stop_lab(lab)
            server.shutdown()
    print(f"lite site: {site.files} files, {site.size / 1e6:.1f} MB; build (cached) "
          f"{build_seconds:.0f} s; median of {args.repeats} visits to {args.lesson}")
    if lab is None:
        print("(--lite-only: the lab columns repeat the lite figures)")
    print(f"{'':<22}{'lite cold':>11}{'lite warm':>11}{'lab cold':>11}{'lab warm':>11}")
    for key in ("kernel idle", "first activity", "run-all"):
        print(f"{key + ' (s)':<22}{lite['cold'][key]:>11.1f}{lite['warm'][key]:>11.1f}"
              f"{jlab['cold'][key]:>11.1f}{jlab['warm'][key]:>11.1f}")
    print(f"{'MB fetched':<22}{lite['MB fetched cold']:>11.1f}{'':>11}"
          f"{jlab['MB fetched cold']:>11.1f}")
    met = (lite["cold"]["kernel idle"] <= 10 and lite["warm"]["kernel idle"] <= 5
           and lite["warm"]["run-all"] <= 3 and site.size <= 40e6)
    print(f"HEADLINE lite: kernel idle {lite['cold']['kernel idle']:.1f} s cold / "
          f"{lite['warm']['kernel idle']:.1f} s warm (JupyterLab {jlab['cold']['kernel idle']:.1f}"
          f" / {jlab['warm']['kernel idle']:.1f}), run-all {lite['warm']['run-all']:.1f} s, site "
          f"{site.size / 1e6:.1f} MB: targets {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
