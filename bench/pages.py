"""Page speed: server render time against a static file, and tap-to-paint in Chromium.

Run by hand:  .venv/bin/python bench/pages.py
Goals: render time at most 3x the static file (p50); tap to new content painted, p95 at most 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import http_client as http

from tests.helpers.app import make_app
from tests.helpers.browser import CHROMIUM, CHROMIUM_FLAGS, PORTRAIT
from tests.helpers.servers import LiveServer
from tests.helpers.visitor_pages import VISITOR_PATHS

ROUNDS = 200


def percentile(values: list[float], fraction: float) -> float:
    """Return the value below which the given fraction of values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def time_gets(url: str, rounds: int) -> list[float]:
    """Time repeated GETs over one keep-alive connection, in ms."""
    timings = []
    with http.Connection(url) as connection:
        for _ in range(rounds):
            start = time.perf_counter()
            status = connection.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert status == 200, (url, status)
    return timings


def server_render(server: LiveServer) -> None:
    """Compare every page's render time with the same server sending a static file."""
    static = time_gets(server.url + "/static/visitor/kiosk.css", ROUNDS)
    print(f"{'page':44} {'p50 ms':>8} {'p95 ms':>8} {'x static':>9}")
    print(f"{'static file (baseline)':44} {statistics.median(static):8.2f} {percentile(static, 0.95):8.2f} {1:9.2f}")
    worst = 0.0
    for tag in ["en", "ar", "zh-Hans"]:
        for path in VISITOR_PATHS:
            timings = time_gets(f"{server.url}/{tag}{path}", ROUNDS // 4)
            ratio = statistics.median(timings) / statistics.median(static)
            worst = max(worst, ratio)
            print(
                f"{'/' + tag + path:44} {statistics.median(timings):8.2f} {percentile(timings, 0.95):8.2f} {ratio:9.2f}"
            )
    print(f"worst page p50 / static p50 = {worst:.2f}  (goal <= 3)")


def tap_to_paint(server: LiveServer) -> None:
    """Measure tap to new content painted, for htmx navigation between screens."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_context(viewport=PORTRAIT, has_touch=True).new_page()
        page.goto(server.url + "/en/topics")
        timings = []
        for i in range(60):
            target = "a:has-text('Symptoms')" if i % 2 == 0 else "[data-nav=back]"
            expected = "Symptoms: how it feels" if i % 2 == 0 else "What would you like to know?"
            page.evaluate(
                """(expected) => { window.__painted = new Promise(resolve => {
                const start = performance.now();
                document.addEventListener('pointerdown', () => { window.__start = performance.now(); }, {once: true});
                new MutationObserver((_, observer) => {
                  const h1 = document.querySelector('h1');
                  if (h1 && h1.textContent.includes(expected)) {
                    observer.disconnect();
                    requestAnimationFrame(() => requestAnimationFrame(
                      () => resolve(performance.now() - (window.__start || start))));
                  }
                }).observe(document.body, {childList: true, subtree: true}); }); }""",
                expected,
            )
            page.tap(target)
            timings.append(page.evaluate("window.__painted"))
        browser.close()
    print(
        f"tap to paint over {len(timings)} taps: p50 {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms  (goal p95 <= 100 ms)"
    )


def main() -> None:
    """Run both measurements against one in-process server."""
    with tempfile.TemporaryDirectory() as data:
        server = LiveServer(make_app(Path(data)))
        try:
            server_render(server)
            tap_to_paint(server)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
