"""Turning a staff recording into a clip: every upload format, silence trimmed, loudness matched, bad files refused."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from kiosk.speech.audio import check_mp3
from kiosk.speech.processing import RATE, TARGET_LUFS, RecordingRefused, decode, process
from tests.helpers.audio import FORMATS, encode, lufs, speech
from tests.helpers.sox import measure

TEXT = "Ang sciatica ay pananakit na nagmumula sa sciatic nerve. Ito ang pinakamalaking ugat sa katawan."


@pytest.fixture(scope="module")
def voice() -> tuple[bytes, int]:
    """About five seconds of real speech."""
    return speech(TEXT)


def wav_file(samples: bytes, rate: int, channels: int = 1) -> bytes:
    """A plain WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", list(FORMATS))
def test_every_upload_format_becomes_a_trimmed_clip_at_the_synthetic_loudness(
    voice: tuple[bytes, int], kind: str, tmp_path: Path
) -> None:
    samples, rate = voice
    spoken = len(samples) / 2 / rate
    # Quiet (-10 dB), with a second of silence before and a second and a half after.
    done = process(encode(samples, rate, kind, gain=0.3, lead=1.0, tail=1.5), max_seconds=120)
    assert done.received_seconds == pytest.approx(spoken + 2.5, abs=0.15)
    assert spoken - 0.3 < done.seconds < spoken + 0.5, "the silence around the words is cut, the words are kept"
    assert done.loudness_in < TARGET_LUFS - 8
    assert done.loudness_out == pytest.approx(TARGET_LUFS, abs=0.5)
    assert check_mp3(done.mp3).rate == RATE
    clip = tmp_path / f"clip-{kind}.mp3"
    clip.write_bytes(done.mp3)
    heard = measure(clip)
    assert heard.rate == RATE
    assert lufs(clip) == pytest.approx(TARGET_LUFS, abs=1)


def test_a_loud_take_is_turned_down_and_its_peaks_stay_under_full_scale(
    voice: tuple[bytes, int], tmp_path: Path
) -> None:
    samples, rate = voice
    done = process(encode(samples, rate, "wav", gain=3.0), max_seconds=120)
    clip = tmp_path / "loud.mp3"
    clip.write_bytes(done.mp3)
    assert lufs(clip) == pytest.approx(TARGET_LUFS, abs=1)
    assert measure(clip).rms < 0.3


def test_stereo_and_unusual_sample_rates_are_resampled(voice: tuple[bytes, int]) -> None:
    samples, rate = voice
    for out_rate in (8000, 16000, 96000):
        done = process(encode(samples, rate, "wav", out_rate=out_rate, channels=2), max_seconds=120)
        assert check_mp3(done.mp3).rate == RATE
        assert done.loudness_out == pytest.approx(TARGET_LUFS, abs=0.5)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"This is a text file, not a recording.\n" * 50, "not-audio"),
        (b"\x89PNG\r\n\x1a\n" + bytes(2000), "no-sound"),  # FFmpeg opens a picture, with no sound in it
    ],
)
def test_empty_files_and_files_that_are_not_audio_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(RecordingRefused) as refused:
        process(data, max_seconds=120)
    assert refused.value.code == code
    assert "Nothing was saved" in str(refused.value)


def test_silence_and_a_whisper_of_noise_are_refused() -> None:
    silent = wav_file(bytes(2 * 44100 * 3), 44100)
    with pytest.raises(RecordingRefused) as refused:
        process(silent, max_seconds=120)
    assert refused.value.code == "silent"
    hiss = wav_file(bytes(b for _ in range(44100 * 3) for b in (7, 0)), 44100)  # a constant -73 dBFS
    with pytest.raises(RecordingRefused) as again:
        process(hiss, max_seconds=120)
    assert again.value.code == "silent"


def test_a_click_too_short_to_be_speech_is_refused_as_silent() -> None:
    samples = bytearray(2 * 22050 * 2)
    samples[22050 : 22050 + 200] = b"\xff\x7f\x00\x80" * 50  # 2 ms of a loud click
    with pytest.raises(RecordingRefused) as refused:
        process(wav_file(bytes(samples), 22050), max_seconds=120)
    assert refused.value.code == "silent"


def test_a_two_hour_file_is_refused_before_it_is_decoded() -> None:
    # Two hours of MP3 frames built from one second of near-silence: 7 MB, far under the upload limit.
    second = encode(bytes(2 * 8000), 8000, "mp3", gain=1, lead=0, tail=0, out_rate=8000)
    frames = second[second.index(b"\xff") :]
    two_hours = frames * 7200
    with pytest.raises(RecordingRefused) as refused:
        process(two_hours, max_seconds=120)
    assert refused.value.code == "too-long"
    assert "120 seconds" in str(refused.value)


def test_a_long_file_whose_container_hides_its_length_is_stopped_while_decoding(voice: tuple[bytes, int]) -> None:
    samples, rate = voice
    # A WAV header that claims no length, as a stream being written does: its real length shows only when read.
    data = bytearray(wav_file(samples * 40, rate))
    data[4:8] = data[40:44] = b"\xff\xff\xff\xff"
    with pytest.raises(RecordingRefused) as refused:
        decode(bytes(data), max_seconds=30)
    assert refused.value.code == "too-long"


def test_a_corrupt_container_is_refused(voice: tuple[bytes, int]) -> None:
    samples, rate = voice
    m4a = bytearray(encode(samples, rate, "m4a"))
    index = m4a.index(b"moov")
    m4a[index - 4 : index + 400] = bytes(404)  # the index of the file is wiped out
    with pytest.raises(RecordingRefused) as refused:
        process(bytes(m4a), max_seconds=120)
    assert refused.value.code in {"not-audio", "damaged"}
    webm = encode(samples, rate, "webm")
    with pytest.raises(RecordingRefused) as cut:
        process(webm[:400], max_seconds=120)
    assert cut.value.code in {"not-audio", "damaged", "silent"}


@pytest.mark.parametrize("rate", [4000, 400_000])
def test_a_sample_rate_the_kiosk_cannot_take_is_refused_with_the_rate(rate: int) -> None:
    with pytest.raises(RecordingRefused) as refused:
        process(wav_file(bytes(2 * rate), rate), max_seconds=120)
    assert refused.value.code == "rate"
    assert f"{rate:,}" in str(refused.value)


def test_a_video_without_sound_is_refused() -> None:
    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as container:
        stream = container.add_stream("libvpx", rate=10)
        stream.width = stream.height = 32
        frame = av.VideoFrame(32, 32, "yuv420p")
        for packet in stream.encode(frame):
            container.mux(packet)
        container.mux(stream.encode(None))
    with pytest.raises(RecordingRefused) as refused:
        process(buffer.getvalue(), max_seconds=120)
    assert refused.value.code == "no-sound"
