"""What espeak-ng makes of a text, as phonemes: libespeak-ng in process, through ctypes.

`phonemes()` asks espeak_TextToPhonemes, clause by clause: the notation of `espeak-ng -x` (or IPA), with a
switch to another language shown as "(en)…(fr)". It ignores `[[...]]` phoneme input, so `spoken()` runs
real synthesis with a phoneme trace instead, with phoneme input on, as the kiosk's engines do.

libespeak-ng keeps global state and spoken() installs its own synthesis callback: use this module only in
a process that does not also run pyttsx3 (the speech check, the lexicon validator), one call at a time.
"""

from __future__ import annotations

import ctypes
import re
import threading
from typing import Any

from kiosk.speech.engines.base import EngineSettings, EngineUnavailable

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
PHONEMES_SHOW = 0x01
PHONEMES_IPA = 0x02
PHONEMES_INPUT = 0x100  # espeak_Synth's espeakPHONEMES flag: read [[...]] as phonemes
ENDPAUSE = 0x1000
POS_CHARACTER = 1
EE_OK = 0

# A switch to another language: "(en)" before the foreign run and the voice's own code after it.
SWITCH = re.compile(r"\(([a-z]{2,3}(?:-[a-z0-9]+)*)\)")

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_discard = _SYNTH_CALLBACK(lambda wav, samples, events: 0)  # the audio is thrown away; only the trace counts


def runs(phonemes: str) -> list[tuple[str, str]]:
    """Split phoneme output into (language, phonemes) runs; "" is the voice's own language."""
    out: list[tuple[str, str]] = []
    for clause in phonemes.split(" | "):
        current, position = "", 0
        for match in SWITCH.finditer(clause):
            out.append((current, clause[position : match.start()]))
            # The first marker switches away, the next one comes back, and so on.
            current = match.group(1) if current == "" else ""
            position = match.end()
        out.append((current, clause[position:]))
    return [(lang, text) for lang, text in out if text.strip() or lang]


def switches(phonemes: str) -> list[tuple[str, str]]:
    """Return the runs read in another language than the voice's."""
    return [(lang, text) for lang, text in runs(phonemes) if lang]


class Reader:
    """One libespeak-ng, loaded and initialised once, that tells what it would say."""

    def __init__(self, settings: EngineSettings) -> None:
        library, data = settings.library_location()
        try:
            lib: Any = ctypes.CDLL(library or "libespeak-ng.so.1")
        except OSError as exc:
            raise EngineUnavailable(f"libespeak-ng could not be loaded: {exc}") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_TextToPhonemes.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_int]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_SetPhonemeTrace.argtypes = [ctypes.c_int, ctypes.c_void_p]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        # The path names the folder that holds espeak-ng-data, as ESPEAK_DATA_PATH does.
        if lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode() if data else None, 0) <= 0:
            raise EngineUnavailable(f"libespeak-ng did not start with its data at {data}")
        lib.espeak_SetSynthCallback(_discard)
        path = ctypes.c_char_p()
        self.version = (lib.espeak_Info(ctypes.byref(path)) or b"").decode()
        self._lib = lib
        self._voice = ""
        self._lock = threading.Lock()
        libc: Any = ctypes.CDLL(None)
        libc.open_memstream.restype = ctypes.c_void_p
        libc.open_memstream.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t)]
        libc.fflush.argtypes = [ctypes.c_void_p]
        libc.fclose.argtypes = [ctypes.c_void_p]
        libc.free.argtypes = [ctypes.c_void_p]
        self._libc = libc

    def _select(self, voice: str) -> None:
        """Switch voice only when it changes: it costs about 2 ms."""
        if voice != self._voice:
            if self._lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
                self._voice = ""
                raise ValueError(f"espeak-ng has no voice {voice!r}")
            self._voice = voice

    def phonemes(self, text: str, voice: str, ipa: bool = False) -> str:
        """Return the phonemes of each clause, joined with " | "; about 0.1 ms a sentence."""
        with self._lock:
            self._select(voice)
            buffer = ctypes.create_string_buffer(text.encode("utf-8"))
            pointer = ctypes.c_void_p(ctypes.addressof(buffer))
            clauses: list[str] = []
            # Each call reads one clause and moves the pointer on; it becomes NULL at the end of the text.
            while pointer.value:
                result = self._lib.espeak_TextToPhonemes(ctypes.byref(pointer), CHARS_UTF8, PHONEMES_IPA if ipa else 0)
                if result is None:
                    break
                clauses.append(result.decode("utf-8", "replace").strip())  # a static buffer: copy it now
            return " | ".join(clause for clause in clauses if clause)

    def spoken(self, text: str, voice: str, ipa: bool = False) -> str:
        """Return the phonemes synthesis really uses, with [[...]] phoneme input honoured; a few ms a text."""
        with self._lock:
            self._select(voice)
            data = text.encode("utf-8") + b"\0"
            buffer, size = ctypes.c_char_p(), ctypes.c_size_t()
            stream = self._libc.open_memstream(ctypes.byref(buffer), ctypes.byref(size))
            try:
                self._lib.espeak_SetPhonemeTrace(PHONEMES_SHOW | (PHONEMES_IPA if ipa else 0), stream)
                flags = CHARS_UTF8 | ENDPAUSE | PHONEMES_INPUT
                status = self._lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, flags, None, None)
                self._lib.espeak_SetPhonemeTrace(0, None)
                self._libc.fflush(stream)
                out = ctypes.string_at(buffer, size.value).decode("utf-8", "replace") if buffer.value else ""
            finally:
                self._libc.fclose(stream)
                self._libc.free(ctypes.cast(buffer, ctypes.c_void_p))
            if status != EE_OK:
                raise RuntimeError(f"espeak-ng could not read the text (status {status})")
            return " | ".join(line.strip() for line in out.splitlines() if line.strip())

    def read(self, text: str, voice: str, ipa: bool = False) -> str:
        """Return what the engine says for text as it is sent: synthesis only when it holds phoneme input."""
        return self.spoken(text, voice, ipa) if "[[" in text else self.phonemes(text, voice, ipa)


_readers: dict[tuple[str | None, str | None], Reader] = {}


def reader(settings: EngineSettings) -> Reader:
    """Return this process's reader; libespeak-ng can be initialised only once per process."""
    where = settings.library_location()
    if where not in _readers:
        if _readers:
            raise EngineUnavailable("libespeak-ng is already loaded in this process from another place")
        _readers[where] = Reader(settings)
    return _readers[where]
