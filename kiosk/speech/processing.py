"""A staff recording made ready for the kiosk: decoded, trimmed, brought to the synthetic voices' loudness, MP3.

PyAV (FFmpeg's libraries in a wheel) decodes whatever arrives: WebM/Opus from the browser's
MediaRecorder, WAV, MP3, M4A/AAC, Ogg. FFmpeg's own filters resample it to the clips' rate in mono and
measure loudness (ebur128, ITU-R BS.1770 as EBU R128 uses it); the silence around the words is cut here;
a gain brings the integrated loudness to the synthetic clips' level, with a limiter keeping the peaks
under -1 dBFS; lameenc encodes it like every other clip. Everything happens in memory, so a refused
file leaves nothing behind.
"""

from __future__ import annotations

import array
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import av
from av.audio.frame import AudioFrame
from av.filter import Graph

from kiosk.i18n import lazy_gettext as _l
from kiosk.speech.audio import Pcm, check_mp3, encode_mp3

RATE = 22050  # the synthetic clips' rate, so every clip on a page sounds alike
# The synthetic clips' integrated loudness: espeak-ng at full volume measures -22.4 (fr) to -18.7 (cmn) LUFS.
TARGET_LUFS = -20.0
PEAK_LIMIT = 10 ** (-1 / 20)  # -1 dBFS, the limiter's ceiling
MIN_RATE, MAX_RATE = 8000, 192000
WINDOW = RATE // 100  # 10 ms, the step at which silence is found
SILENT_PEAK = 0.01  # -40 dBFS: a take whose loudest 10 ms stays under this holds no speech
QUIET_BELOW = 0.02  # -34 dB under the loudest moment counts as silence around the words
PAD = int(0.15 * RATE)  # kept before the first and after the last word, so nothing is clipped
MIN_SPEECH_SECONDS = 0.3
CHUNK = 4410  # samples per frame pushed through the filters

REFUSALS = {
    # TRANSLATORS: A staff recording was refused. Keep it short and plain.
    "empty": _l("The file is empty. Nothing was saved."),
    # TRANSLATORS: A staff recording was refused: the file is not audio.
    "not-audio": _l(
        "This file is not audio the kiosk can read. It reads WebM or Ogg (Opus), WAV, MP3 and M4A. Nothing was saved."
    ),
    # TRANSLATORS: A staff recording was refused: a video or other file without a sound track.
    "no-sound": _l("This file has no sound in it (is it a picture or a video?). Nothing was saved."),
    # TRANSLATORS: A staff recording was refused: the file is broken. %(detail)s is a technical reason.
    "damaged": _l("This file is damaged and cannot be played to the end (%(detail)s). Nothing was saved."),
    # TRANSLATORS: A staff recording was refused because of its sample rate; %(rate)s is a number of Hz.
    "rate": _l(
        "This file's sample rate is %(rate)s Hz. The kiosk takes recordings from 8,000 to 192,000 Hz. "
        "Export it again at 44,100 or 48,000 Hz. Nothing was saved."
    ),
    # TRANSLATORS: A staff recording was refused: too long. %(limit)s is a number of seconds.
    "too-long": _l("This recording is longer than %(limit)s seconds. Record one message at a time. Nothing was saved."),
    # TRANSLATORS: A staff recording was refused: nothing but silence or noise.
    "silent": _l(
        "The recording is silent, or too quiet to hear. Check that the right microphone is chosen and not "
        "muted, then record again. Nothing was saved."
    ),
}


class RecordingRefused(ValueError):
    """A file that cannot become a recording; code names why, for the staff member's language."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(REFUSALS[code].message_id % params if params else REFUSALS[code].message_id)
        self.code = code
        self.params = params

    def describe(self) -> str:
        """Say why in the current language."""
        text = str(REFUSALS[self.code])
        return text % self.params if self.params else text


@dataclass(frozen=True)
class Processed:
    """A recording ready to serve, and what was done to it."""

    mp3: bytes
    seconds: float  # after trimming
    received_seconds: float
    loudness_in: float  # LUFS of the trimmed take, before the gain
    loudness_out: float  # LUFS of what is served


def _frames(data: bytes, rate: int, fmt: str = "flt") -> Iterator[AudioFrame]:
    """Cut mono samples (32-bit float, or 16-bit with fmt "s16") into frames for a filter graph."""
    width = 4 if fmt == "flt" else 2
    for offset in range(0, len(data), CHUNK * width):
        chunk = data[offset : offset + CHUNK * width]
        frame = AudioFrame(format=fmt, layout="mono", samples=len(chunk) // width)
        frame.sample_rate = rate
        frame.pts = offset // width
        frame.planes[0].update(chunk)
        yield frame


def _drain(graph: Graph) -> Iterator[AudioFrame]:
    """Pull every frame the graph has ready."""
    while True:
        try:
            frame = graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return
        assert isinstance(frame, AudioFrame)
        yield frame


def _run(filters: str, frames: Iterable[AudioFrame], rate: int, fmt: str = "flt") -> list[AudioFrame]:
    """Push mono frames through a chain of FFmpeg filters and return what comes out."""
    graph = Graph()
    nodes = [graph.add_abuffer(sample_rate=rate, format=fmt, layout="mono")]
    for spec in filters.split(","):
        name, _, args = spec.partition("=")
        nodes.append(graph.add(name, args or None))
    nodes.append(graph.add("abuffersink"))
    graph.link_nodes(*nodes).configure()
    out: list[AudioFrame] = []
    for frame in frames:
        graph.push(frame)
        out += _drain(graph)
    graph.push(None)
    out += _drain(graph)
    return out


def loudness(data: bytes, rate: int = RATE, fmt: str = "flt") -> float:
    """Return the integrated loudness in LUFS (-70 for silence) of mono samples, measured by FFmpeg's ebur128."""
    measured = -70.0
    for frame in _run("ebur128=metadata=1", _frames(data, rate, fmt), rate, fmt):
        value = frame.metadata.get("lavfi.r128.I")
        if value is not None:
            measured = float(value)
    return measured


def decode(data: bytes, max_seconds: float) -> tuple[array.array[float], float]:
    """Decode any audio file to mono float samples at RATE; return them and the length received."""
    if not data:
        raise RecordingRefused("empty")
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.error.FFmpegError, ValueError) as exc:
        raise RecordingRefused("not-audio") from exc
    samples: array.array[float] = array.array("f")
    with container:
        if not container.streams.audio:
            raise RecordingRefused("no-sound")
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate or 0
        if not MIN_RATE <= rate <= MAX_RATE:
            raise RecordingRefused("rate", rate=f"{rate:,}")
        # A file that says it is too long is refused before any of it is decoded.
        if container.duration and container.duration / 1_000_000 > max_seconds + 1:
            raise RecordingRefused("too-long", limit=f"{max_seconds:.0f}")
        graph = Graph()
        graph.link_nodes(
            graph.add_abuffer(template=stream),
            graph.add("aresample", str(RATE)),
            graph.add("aformat", "sample_fmts=flt:channel_layouts=mono"),
            graph.add("abuffersink"),
        ).configure()
        limit = int((max_seconds + 1) * RATE)
        try:
            for packet in container.demux(stream):
                for frame in packet.decode():
                    graph.push(frame)
                    for out in _drain(graph):
                        samples.frombytes(bytes(out.planes[0])[: out.samples * 4])
                if len(samples) > limit:
                    raise RecordingRefused("too-long", limit=f"{max_seconds:.0f}")
            graph.push(None)
            for out in _drain(graph):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 4])
        except (av.error.FFmpegError, ValueError) as exc:
            raise RecordingRefused("damaged", detail=str(exc)[:120]) from exc
    if len(samples) > limit:
        raise RecordingRefused("too-long", limit=f"{max_seconds:.0f}")
    return samples, len(samples) / RATE


def speech_bounds(samples: array.array[float]) -> tuple[int, int]:
    """Return where the words start and end, padded; refuse a take with nothing to hear."""
    peaks = []
    for offset in range(0, len(samples), WINDOW):
        window = samples[offset : offset + WINDOW]
        peaks.append(max(max(window), -min(window)))
    loudest = max(peaks, default=0.0)
    if loudest < SILENT_PEAK:
        raise RecordingRefused("silent")
    threshold = max(SILENT_PEAK / 3, loudest * QUIET_BELOW)
    voiced = [index for index, peak in enumerate(peaks) if peak >= threshold]
    start, end = voiced[0] * WINDOW, (voiced[-1] + 1) * WINDOW
    if (end - start) / RATE < MIN_SPEECH_SECONDS:
        raise RecordingRefused("silent")
    return max(0, start - PAD), min(len(samples), end + PAD)


def process(data: bytes, max_seconds: float) -> Processed:
    """Turn an uploaded or recorded file into a clip like the synthetic ones, or refuse it saying why."""
    samples, received = decode(data, max_seconds)
    start, end = speech_bounds(samples)
    words = samples[start:end]
    measured = loudness(words.tobytes())
    if measured <= -60:
        raise RecordingRefused("silent")
    gain = TARGET_LUFS - measured
    # A lookahead limiter, its latency compensated and its automatic levelling off, so only peaks change.
    chain = f"volume={gain:.2f}dB,alimiter=limit={PEAK_LIMIT:.4f}:level=0:latency=1,aformat=sample_fmts=s16"
    frames = _run(chain, _frames(words.tobytes(), RATE), RATE)
    pcm = b"".join(bytes(frame.planes[0])[: frame.samples * 2] for frame in frames)
    mp3 = encode_mp3(Pcm(pcm, RATE))
    info = check_mp3(mp3)
    return Processed(mp3, info.seconds, received, measured, loudness(pcm, RATE, "s16"))
