"""Helpers for the recording tests: real speech from espeak-ng, encoded by FFmpeg (PyAV) into the formats
staff upload, and loudness measured on what sox decodes."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import av
import espeakng_loader
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.filter import Graph

from kiosk.speech.processing import loudness
from tests.helpers.sox import SOX

# Container, codec and sample rate of each format a staff member may upload.
FORMATS = {
    "webm": ("webm", "libopus", 48000),
    "ogg": ("ogg", "libopus", 48000),
    "wav": ("wav", "pcm_s16le", 44100),
    "mp3": ("mp3", "libmp3lame", 44100),
    "m4a": ("ipod", "aac", 44100),
}


def espeak_env() -> dict[str, str]:
    """The environment that runs Debian's espeak-ng on the bundled libespeak-ng 1.52."""
    folder = str(Path(espeakng_loader.get_library_path()).parent)
    return {
        **os.environ,
        "LD_LIBRARY_PATH": folder,
        "ESPEAK_DATA_PATH": str(Path(espeakng_loader.get_data_path()).parent),
    }


def speech(text: str, voice: str = "id", rate: int = 140) -> tuple[bytes, int]:
    """Real speech as mono 16-bit samples and their rate, spoken by espeak-ng (a stand-in for a staff voice)."""
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(rate), "--stdout"],
        input=text.encode("utf-8"),
        env=espeak_env(),
        capture_output=True,
        check=True,
    ).stdout
    return wav[44:], int.from_bytes(wav[24:28], "little")


def encode(
    samples: bytes,
    rate: int,
    kind: str = "webm",
    gain: float = 0.3,
    lead: float = 1.0,
    tail: float = 1.5,
    out_rate: int | None = None,
    channels: int = 1,
) -> bytes:
    """Encode speech as a file of one kind, quieter by gain, with silence before and after it."""
    fmt, codec, default_rate = FORMATS[kind]
    out_rate = out_rate or default_rate
    buffer = io.BytesIO()
    container = av.open(buffer, "w", format=fmt)
    stream = container.add_stream(codec, rate=out_rate)
    assert isinstance(stream, AudioStream)
    layout = "mono" if channels == 1 else "stereo"
    stream.layout = layout
    graph = Graph()
    graph.link_nodes(
        graph.add_abuffer(sample_rate=rate, format="s16", layout="mono"),
        graph.add("volume", str(gain)),
        graph.add("adelay", f"{int(lead * 1000)}:all=1"),
        graph.add("apad", f"pad_dur={tail}"),
        graph.add("aresample", str(out_rate)),
        graph.add("aformat", f"sample_fmts={stream.codec_context.format.name}:channel_layouts={layout}"),
        graph.add("abuffersink"),
    ).configure()
    if stream.codec_context.frame_size:
        graph.set_audio_frame_size(stream.codec_context.frame_size)
    frame = AudioFrame(format="s16", layout="mono", samples=len(samples) // 2)
    frame.sample_rate = rate
    frame.pts = 0
    frame.planes[0].update(samples)
    graph.push(frame)
    graph.push(None)
    while True:
        try:
            out = graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            break
        assert isinstance(out, AudioFrame)
        out.pts = None
        container.mux(stream.encode(out))
    container.mux(stream.encode(None))
    container.close()
    return buffer.getvalue()


def lufs(path: Path) -> float:
    """Decode a file with sox to mono 16-bit at 22,050 Hz and measure its integrated loudness (EBU R128)."""
    raw = subprocess.run(
        [SOX, str(path), "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "22050", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return loudness(raw, 22050, "s16")
