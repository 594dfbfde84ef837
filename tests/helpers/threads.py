"""Races for tests: work started on many threads at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) on count threads released at the same moment; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results
