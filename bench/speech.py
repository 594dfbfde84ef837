"""Read-aloud figures against the issue's goals, on a real `kiosk serve` (waitress) over loopback.

    .venv/bin/python bench/speech.py [--engine pyttsx3|espeak-ng|both] [--part all|speech|recording|touch]

For each engine it measures, on a fresh data directory:
  cold   tap to first audio: the first sentence's clip, not yet cached, fetched as the Listen button
         does, against raw espeak-ng synthesising the same sentence (same library, voice and rate)
         in the same run; goal at most 1.5x raw and at most 300 ms;
  warm   the same clips once cached; goal at most 20 ms;
  burst  20 concurrent requests for 20 sentences not yet cached; goal: all succeed;
  warm-up `kiosk speech warm` of everything the kiosk says in every voiced language (page sentences
         and all of speech mode's labels, statuses, role words, keys and numbers).
  record  a staff recording of 10 seconds (WebM/Opus, as the browser sends it, and WAV) made ready for the
         kiosk: decoded, trimmed, loudness-normalised and encoded, against decoding and encoding it alone
         in the same run; goal at most 1 s.
And once, on the default engine: speech mode's touch -> audio playing in Chromium for labels the
warm-up rendered (bench/touch_latency.py), against a clip already in memory; goal p95 <= 150 ms.

    .venv/bin/python bench/speech.py --part recording     # only the recording figures (a few seconds)
    .venv/bin/python bench/speech.py --part touch         # only speech mode's touch figures (about a minute)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
KIOSK = str(REPO / ".venv" / "bin" / "kiosk")
PLAYER = re.compile(r"<script type=\"application/json\" data-listen-sentences>(.*?)</script>", re.DOTALL)
LANGUAGES = ["en", "es", "fr", "pt-BR", "zh-Hans", "vi", "ar", "ru"]
TOPICS = [
    "what-is-sciatica",
    "symptoms",
    "causes",
    "slipped-disc",
    "piriformis-syndrome",
    "spinal-stenosis",
    "spondylolisthesis",
    "massage",
    "urgent-help",
]


def free_port() -> int:
    """Find a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes, float]:
    """GET a path and return the status, the body and the milliseconds until the last byte."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, body, elapsed


class Server:
    """`kiosk serve` in a child process on a fresh data directory."""

    def __init__(self, engine: str, data_dir: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir), "KIOSK_SPEECH_ENGINE": engine}
        self.process = subprocess.Popen(
            [KIOSK, "serve", "--port", str(self.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the kiosk did not start")

    def stop(self) -> None:
        """Stop the server; its speech workers end when their pipes close."""
        self.process.terminate()
        self.process.wait(10)


def first_sentences(port: int, tag: str, slug: str) -> list[dict[str, Any]]:
    """Open a page as a visitor does and return its player's sentences."""
    status, body, _ = get(port, f"/{tag}/topics/{slug}")
    assert status == 200
    return json.loads(PLAYER.search(body.decode("utf-8")).group(1))


def raw_espeak_ms(text: str, voice: str, rate: int, repeat: int = 5) -> float:
    """Time Debian's espeak-ng program, on the same libespeak-ng the kiosk uses, writing a WAV file."""
    import espeakng_loader

    env = {
        **os.environ,
        "LD_LIBRARY_PATH": str(Path(espeakng_loader.get_library_path()).parent),
        "ESPEAK_DATA_PATH": str(Path(espeakng_loader.get_data_path()).parent),
    }
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(rate), "-w", f"{folder}/raw.wav"],
                input=text.encode("utf-8"),
                env=env,
                check=True,
            )
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], fraction: float) -> float:
    """A simple nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_engine(engine: str) -> dict[str, Any]:
    """Measure one engine."""
    sys.path.insert(0, str(REPO))
    from kiosk import config

    voices = {code.replace("_", "-"): choice for code, choice in config.SPEECH_VOICES.items()}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as data:
        server = Server(engine, Path(data))
        try:
            # The visitor opens a page; the server started its workers with that first request.
            pages = {(tag, slug): first_sentences(server.port, tag, slug) for tag in LANGUAGES for slug in TOPICS}
            time.sleep(2)
            cold, ratios, first_tap = [], [], None
            for (tag, _slug), sentences in pages.items():
                sentence = sentences[0]
                status, body, ms = get(server.port, str(sentence["audio"]))
                assert status == 200, (status, body[:80])
                assert body[:2] == b"\xff\xf3", body[:80]
                raw = raw_espeak_ms(str(sentence["text"]), voices[tag]["voice"], voices[tag]["rate"])
                first_tap = first_tap or (ms, raw, sentence["text"])
                cold.append(ms)
                ratios.append(ms / raw)
            warm = [get(server.port, str(sentences[0]["audio"]))[2] for sentences in pages.values() for _ in range(3)]
            results.update(first_tap=first_tap, cold=cold, ratios=ratios, warm=warm)

            # 20 concurrent taps on sentences nobody has heard yet.
            urls = [str(s["audio"]) for sentences in pages.values() for s in sentences[1:]][:20]
            answers: list[tuple[int, bytes, float]] = []
            threads = [threading.Thread(target=lambda url=url: answers.append(get(server.port, url))) for url in urls]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            results["burst"] = (
                sum(1 for status, body, _ in answers if status == 200 and body[:2] == b"\xff\xf3"),
                len(urls),
                max(ms for _, _, ms in answers),
                (time.perf_counter() - started) * 1000,
            )
        finally:
            server.stop()

    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "KIOSK_DATA_DIR": data, "KIOSK_SPEECH_ENGINE": engine}
        started = time.perf_counter()
        warmup = subprocess.run([KIOSK, "speech", "warm"], env=env, capture_output=True, text=True, check=True)
        results["warmup"] = (time.perf_counter() - started, warmup.stdout.strip())
    return results


def report(engine: str, results: dict[str, Any]) -> None:
    """Print one engine's figures against the goals."""
    cold, ratios, warm = results["cold"], results["ratios"], results["warm"]
    first_ms, first_raw, first_text = results["first_tap"]
    ok, total, slowest, wall = results["burst"]
    seconds, summary = results["warmup"]
    print(f"\n== {engine} (SPEECH_WORKERS=2, {os.cpu_count()} cores) ==")
    print(
        f"cold, first tap of the first visitor: {first_ms:.1f} ms vs raw espeak-ng {first_raw:.1f} ms "
        f"({first_ms / first_raw:.2f}x) for {first_text!r}"
    )
    print(
        f"cold, {len(cold)} first sentences (9 pages x 8 languages): median {statistics.median(cold):.1f} ms, "
        f"p90 {percentile(cold, 0.9):.1f} ms, max {max(cold):.1f} ms; ratio to raw espeak-ng median "
        f"{statistics.median(ratios):.2f}x, p90 {percentile(ratios, 0.9):.2f}x  "
        f"[goal <= 1.5x and <= 300 ms]"
    )
    print(
        f"warm server time, {len(warm)} requests: median {statistics.median(warm):.2f} ms, "
        f"p95 {percentile(warm, 0.95):.2f} ms, max {max(warm):.2f} ms  [goal <= 20 ms]"
    )
    print(
        f"20 concurrent cold requests: {ok}/{total} succeeded, slowest {slowest:.0f} ms, all done in {wall:.0f} ms  "
        f"[goal: all succeed]"
    )
    print(f"full warm-up (kiosk speech warm, process start included): {seconds:.1f} s\n  {summary}")


def bench_touch() -> dict[str, Any]:
    """Warm English on a fresh data directory, serve it, and measure touches in Chromium."""
    import touch_latency

    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "KIOSK_DATA_DIR": data}
        subprocess.run(
            [KIOSK, "speech", "warm", "--lang", "en", "--no-progress"], env=env, check=True, capture_output=True
        )
        server = Server("pyttsx3", Path(data))
        try:
            return touch_latency.measure(f"http://127.0.0.1:{server.port}")
        finally:
            server.stop()


def ten_seconds_of_speech() -> dict[str, bytes]:
    """A 10-second take of real speech with silence around it, as WebM/Opus and as WAV."""
    sys.path.insert(0, str(REPO))
    from tests.helpers.audio import encode, speech

    samples, rate = speech(
        "Ang sciatica ay pananakit na nagmumula sa sciatic nerve. Ito ang pinakamalaking ugat sa katawan. "
        "Karamihan sa mga tao ay nakakaramdam ng sakit sa ibabang likod at sa binti."
    )
    # Trimmed or padded to 8.5 s of speech, then 0.5 s of silence before and 1 s after: 10 s in all.
    samples = (samples * 2)[: int(8.5 * rate) * 2]
    return {kind: encode(samples, rate, kind, gain=0.3, lead=0.5, tail=1.0) for kind in ("webm", "wav")}


def bench_recording(repeat: int = 15) -> None:
    """Time making a 10-second recording ready, against the decode and encode any pipeline needs."""
    import array

    from kiosk.speech.audio import Pcm, encode_mp3
    from kiosk.speech.processing import RATE, decode, process

    print(f"\n== staff recording, 10 s take ({os.cpu_count()} cores) ==")
    for kind, data in ten_seconds_of_speech().items():
        done = process(data, 120)  # loads FFmpeg's codecs once, as a running server already has
        # The baseline: decoding the upload and encoding the kept audio to MP3, which any pipeline does.
        kept, _seconds = decode(done.mp3, 120)
        pcm = array.array("h", (int(max(-1.0, min(1.0, value)) * 32767) for value in kept)).tobytes()
        full, baseline = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            done = process(data, 120)
            full.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            decode(data, 120)
            encode_mp3(Pcm(pcm, RATE))
            baseline.append((time.perf_counter() - started) * 1000)
        print(
            f"{kind:5} {len(data) / 1000:7.0f} kB, {done.received_seconds:.1f} s received, {done.seconds:.1f} s kept, "
            f"{done.loudness_in:.1f} -> {done.loudness_out:.1f} LUFS: median {statistics.median(full):.0f} ms, "
            f"max {max(full):.0f} ms; decode + encode alone median {statistics.median(baseline):.0f} ms "
            f"({statistics.median(full) / statistics.median(baseline):.2f}x)  [goal <= 1000 ms]"
        )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["pyttsx3", "espeak-ng", "both"], default="both")
    parser.add_argument("--part", choices=["all", "speech", "recording", "touch"], default="all")
    arguments = parser.parse_args()
    if arguments.part in ("all", "speech"):
        for engine in ["pyttsx3", "espeak-ng"] if arguments.engine == "both" else [arguments.engine]:
            report(engine, bench_engine(engine))
    if arguments.part in ("all", "recording"):
        bench_recording()
    if arguments.part in ("all", "touch"):
        import touch_latency

        touch_latency.report(bench_touch())


if __name__ == "__main__":
    main()
