"""Speech audio as bytes: reading and checking WAV, encoding MP3, and proving an MP3 file is whole."""

from __future__ import annotations

import array
import io
import wave
from dataclasses import dataclass

import lameenc

MP3_BITRATE_KBPS = 48
# LAME's -q 7: about twice as fast as the default, with no audible loss for a speaking voice.
MP3_QUALITY = 7
# A clip whose loudest sample stays under this (of 32767) is silence: espeak-ng renders "..." as zeros.
SILENCE_PEAK = 300

# Layer III bitrates (kbps) and sample rates by MPEG version bits: 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5.
_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_BITRATES[0] = _BITRATES[2]
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class AudioError(ValueError):
    """Audio that is missing, cut short or not in the expected format."""


class SilentAudio(AudioError):
    """Audio with nothing in it, which is what an engine makes of text with no words."""


@dataclass(frozen=True)
class Pcm:
    """Mono 16-bit signed little-endian samples at a sample rate."""

    samples: bytes
    rate: int

    @property
    def seconds(self) -> float:
        """The clip's length."""
        return len(self.samples) / 2 / self.rate

    def peak(self) -> int:
        """The loudest of every 8th sample, 0 to 32768: enough to tell speech from silence, 8 times faster."""
        values = array.array("h", self.samples)[::8]
        return max(max(values), -min(values)) if values else 0


def read_wav(data: bytes) -> Pcm:
    """Parse a complete mono 16-bit WAV file, refusing one that is cut short."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                raise AudioError("expected mono 16-bit audio")
            frames = wav.getnframes()
            samples = wav.readframes(frames)
            rate = wav.getframerate()
    except (wave.Error, EOFError) as exc:
        raise AudioError(f"not a WAV file: {exc}") from exc
    # The header says how long the data is; fewer bytes means the writer stopped half-way.
    if len(samples) != frames * 2:
        raise AudioError(f"WAV file is cut short: {len(samples)} of {frames * 2} bytes")
    return Pcm(samples, rate)


def check_speech(pcm: Pcm) -> Pcm:
    """Refuse a clip that is empty or silent, which is what an engine gives for text with no words."""
    if pcm.seconds <= 0 or pcm.peak() < SILENCE_PEAK:
        raise SilentAudio(f"the engine produced only silence ({pcm.seconds:.3f} s, peak {pcm.peak()})")
    return pcm


def encode_mp3(pcm: Pcm) -> bytes:
    """Encode speech as constant-bitrate mono MP3, which every browser plays."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_BITRATE_KBPS)
    encoder.set_in_sample_rate(pcm.rate)
    encoder.set_out_sample_rate(pcm.rate)
    encoder.set_channels(1)
    encoder.set_quality(MP3_QUALITY)
    return bytes(encoder.encode(pcm.samples) + encoder.flush())


@dataclass(frozen=True)
class Mp3Info:
    """What walking an MP3 file's frames found."""

    rate: int
    seconds: float
    frames: int


def check_mp3(data: bytes) -> Mp3Info:
    """Walk every MPEG Layer III frame and prove the file is whole: no junk, no cut-off last frame."""
    offset = 0
    if data[:3] == b"ID3" and len(data) >= 10:
        offset = 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F))
    frames = samples = rate = 0
    while offset < len(data):
        header = data[offset : offset + 4]
        if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
            raise AudioError(f"no MP3 frame at byte {offset}")
        version = (header[1] >> 3) & 3
        layer = (header[1] >> 1) & 3
        bitrate_index = header[2] >> 4
        rate_index = (header[2] >> 2) & 3
        if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
            raise AudioError(f"not an MPEG Layer III frame at byte {offset}")
        frame_rate = _SAMPLE_RATES[version][rate_index]
        if rate and frame_rate != rate:
            raise AudioError("the sample rate changes inside the file")
        rate = frame_rate
        per_frame = 1152 if version == 3 else 576
        length = per_frame // 8 * _BITRATES[version][bitrate_index] * 1000 // rate + ((header[2] >> 1) & 1)
        offset += length
        frames += 1
        samples += per_frame
    if offset != len(data):
        raise AudioError("the last MP3 frame is cut short")
    if not frames:
        raise AudioError("the MP3 file is empty")
    return Mp3Info(rate=rate, seconds=samples / rate, frames=frames)
