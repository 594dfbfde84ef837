"""Speech mode's touch -> audio playing, in Debian's Chromium, for labels `kiosk speech warm` rendered.

bench/speech.py runs this; it is a module of its own only to keep each file to one job. The time runs
from the touch event's own timestamp in the page to the clip's "playing" event, so it includes working
out what to say, fetching the clip, decoding it and starting the audio, and nothing of Playwright's.
The baseline, measured in the same page, is the browser's floor: a clip already in memory, played.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers.browser import CHROMIUM, CHROMIUM_FLAGS, PORTRAIT

# Each touch's timestamp, and when the first clip it caused started playing.
INSTRUMENT = """
window.__touches = [];
window.addEventListener("pointerdown", (event) => {
  window.__touches.push({down: event.timeStamp, playing: null});
}, {capture: true});
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const touch = window.__touches.at(-1);
  if (touch && touch.playing === null && this.dataset.clip) {
    this.addEventListener("playing", () => { if (touch.playing === null) touch.playing = performance.now(); },
                          {once: true});
  }
  return play.call(this);
};
"""

# Points to touch: the middle of every item of the screen that is on screen, in reading order.
ITEMS = """() => window.kioskScreen.items().map((el) => el.getBoundingClientRect())
  .filter((r) => r.top >= 0 && r.bottom <= innerHeight && r.width > 0)
  .map((r) => [r.x + r.width / 2, r.y + Math.min(r.height / 2, 24)])"""

# The floor: a clip already in memory, through a fresh element, from play() to "playing".
FLOOR = """async (address) => {
  const url = URL.createObjectURL(await (await fetch(address)).blob());
  const times = [];
  for (let i = 0; i < 20; i++) {
    const audio = new Audio();
    const started = performance.now();
    const playing = new Promise((resolve) => audio.addEventListener("playing", resolve, {once: true}));
    audio.src = url;
    await audio.play();
    await playing;
    times.push(performance.now() - started);
    audio.pause();
  }
  return times;
}"""


def percentile(values: list[float], fraction: float) -> float:
    """A simple nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(base_url: str, path: str = "/en/topics", rounds: int = 4) -> dict[str, Any]:
    """Touch every item of a screen in speech mode, round after round; return the latencies in ms."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The kiosk's own browser lets audio start without a first gesture (deploy/chromium/kiosk.flags).
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, "--autoplay-policy=no-user-gesture-required"]
        )
        page = browser.new_context(viewport=PORTRAIT, has_touch=True).new_page()
        page.add_init_script(INSTRUMENT)
        page.goto(base_url + path)
        page.get_by_role("button", name="Hear the screen", exact=True).tap()
        page.wait_for_function("() => window.__touches[0].playing !== null")
        points = page.evaluate(ITEMS)
        first: list[float] = []
        again: list[float] = []
        for round_number in range(rounds):
            for x, y in points:
                count = page.evaluate("window.__touches.length")
                page.touchscreen.tap(x, y)
                page.wait_for_function("(n) => window.__touches[n] && window.__touches[n].playing !== null", arg=count)
                touch = page.evaluate("(n) => window.__touches[n]", count)
                (first if round_number == 0 else again).append(touch["playing"] - touch["down"])
        address = page.evaluate(
            """async () => { const r = await fetch(window.kioskVoice.config.say, {method: 'POST',
               headers: {'Content-Type': 'application/json'}, body: JSON.stringify({phrases: [{text: 'Start'}]})});
               return (await r.json()).phrases[0].clips[0].audio; }"""
        )
        floor = page.evaluate(FLOOR, address)
        browser.close()
    return {"items": len(points), "first": first, "again": again, "floor": floor}


def report(found: dict[str, Any]) -> None:
    """Print the figures against the goal."""
    first, again, floor = found["first"], found["again"], found["floor"]
    both = first + again
    print(f"\n== speech mode: touch -> audio playing in Chromium ({found['items']} items of /en/topics) ==")
    print(
        f"first touch of each label (rendered by the warm-up, new to this browser): "
        f"median {statistics.median(first):.1f} ms, p95 {percentile(first, 0.95):.1f} ms, max {max(first):.1f} ms"
    )
    print(
        f"touches again ({len(again)}): median {statistics.median(again):.1f} ms, "
        f"p95 {percentile(again, 0.95):.1f} ms, max {max(again):.1f} ms"
    )
    print(
        f"all {len(both)} touches: p95 {percentile(both, 0.95):.1f} ms  [goal p95 <= 150 ms]; baseline, a clip already "
        f"in memory played: median {statistics.median(floor):.1f} ms, p95 {percentile(floor, 0.95):.1f} ms"
    )
