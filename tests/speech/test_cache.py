"""The clip cache's render lock, which app servers sharing one cache folder take before rendering a clip."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.speech.cache import AudioCache, AudioKey, LockTimeout


def key(text: str) -> AudioKey:
    """The key of a text read by one voice."""
    return AudioKey.for_text("espeak-ng-system", "en-us", 155, "mp3", text)


def test_a_clip_being_rendered_by_one_server_makes_another_wait(tmp_path: Path) -> None:
    first, second = AudioCache(tmp_path), AudioCache(tmp_path)  # two servers on one shared folder
    with (
        first.render_lock(key("Hello."), timeout=1),
        pytest.raises(LockTimeout),
        second.render_lock(key("Hello."), timeout=0.1),
    ):
        pytest.fail("two servers held one clip's lock at once")
    with second.render_lock(key("Hello."), timeout=0.1):
        pass  # free again once the first is done


def test_the_lock_files_are_few_whatever_the_number_of_clips(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path)
    for number in range(300):
        with cache.render_lock(key(f"Sentence {number}."), timeout=1):
            pass
    assert len(list((tmp_path / ".locks").iterdir())) <= 64
    assert cache.count() == 0
