"""kiosk-screen-power: the opening-hours file, and what it switches, on a stand-in sysfs and systemctl."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.sandbox import DEPLOY

SCRIPT = DEPLOY / "bin" / "kiosk-screen-power"
# 2025-06-02 is a Monday.
MONDAY = "2025-06-02"
SATURDAY = "2025-06-07"
SUNDAY = "2025-06-08"


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """A sysfs with a framebuffer and a backlight, and a systemctl that only writes down its calls."""
    for switch in ("class/graphics/fb0/blank", "class/backlight/panel/bl_power"):
        (tmp_path / "sys" / switch).parent.mkdir(parents=True)
        (tmp_path / "sys" / switch).write_text("0")
    systemctl = tmp_path / "systemctl"
    systemctl.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/calls\n')
    systemctl.chmod(0o755)
    (tmp_path / "opening-hours").write_text((DEPLOY / "config" / "opening-hours").read_text())
    (tmp_path / "screen.conf").write_text((DEPLOY / "config" / "screen.conf").read_text())
    return tmp_path


def run(machine: Path, command: str, at: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run kiosk-screen-power against the stand-in machine."""
    args = [
        sys.executable,
        str(SCRIPT),
        command,
        "--hours",
        str(machine / "opening-hours"),
        "--config",
        str(machine / "screen.conf"),
        "--state",
        str(machine / "state"),
        "--sysfs",
        str(machine / "sys"),
        "--systemctl",
        str(machine / "systemctl"),
    ]
    if at:
        args += ["--at", at]
    return subprocess.run(args, capture_output=True, text=True, timeout=30)


def calls(machine: Path) -> list[str]:
    path = machine / "calls"
    return path.read_text().splitlines() if path.exists() else []


def switches(machine: Path) -> tuple[str, str]:
    return (
        (machine / "sys/class/graphics/fb0/blank").read_text(),
        (machine / "sys/class/backlight/panel/bl_power").read_text(),
    )


@pytest.mark.parametrize(
    ("at", "wanted"),
    [
        (f"{MONDAY} 07:29", "off"),
        (f"{MONDAY} 07:30", "on"),
        (f"{MONDAY} 19:29", "on"),
        (f"{MONDAY} 19:30", "off"),
        (f"{SATURDAY} 12:00", "on"),
        (f"{SATURDAY} 14:00", "off"),
        (f"{SUNDAY} 12:00", "off"),
    ],
)
def test_the_shipped_schedule(machine: Path, at: str, wanted: str) -> None:
    assert run(machine, "status", at).stdout.strip() == f"the schedule wants the screen {wanted}"


def test_closing_stops_the_screen_and_powers_the_display_down_once(machine: Path) -> None:
    assert run(machine, "apply", f"{MONDAY} 12:00").returncode == 0
    assert calls(machine) == ["start --no-block sciatica-kiosk-screen.service"]
    assert switches(machine) == ("0", "0")
    run(machine, "apply", f"{MONDAY} 20:00")
    assert calls(machine)[1:] == ["stop sciatica-kiosk-screen.service"]
    assert switches(machine) == ("4", "4")
    run(machine, "apply", f"{MONDAY} 20:01")
    assert len(calls(machine)) == 2, "it acted again without a change in the schedule"


def test_a_screen_switched_on_by_hand_stays_on_until_the_schedule_changes(machine: Path) -> None:
    run(machine, "apply", f"{MONDAY} 20:00")
    run(machine, "on")
    assert switches(machine) == ("0", "0")
    run(machine, "apply", f"{MONDAY} 21:00")
    assert calls(machine) == ["stop sciatica-kiosk-screen.service", "start --no-block sciatica-kiosk-screen.service"]


def test_always_and_closed_screen_on_keep_the_screen_on(machine: Path) -> None:
    (machine / "opening-hours").write_text("# day and night\nalways\n")
    assert run(machine, "status", f"{SUNDAY} 03:00").stdout.strip() == "the schedule wants the screen on"
    (machine / "opening-hours").write_text("Mon 09:00-10:00\n")
    (machine / "screen.conf").write_text("CLOSED_SCREEN=on\n")
    assert run(machine, "status", f"{SUNDAY} 03:00").stdout.strip() == "the schedule wants the screen on"


@pytest.mark.parametrize("line", ["Mon-Fri 8-19", "Funday 08:00-19:00", "Mon 19:00-08:00", "Mon", "Tue 25:00-26:00"])
def test_a_broken_schedule_keeps_the_screen_on_and_says_why(machine: Path, line: str) -> None:
    (machine / "opening-hours").write_text(f"Sat 09:00-12:00\n{line}\n")
    result = run(machine, "apply", f"{SUNDAY} 03:00")
    assert result.returncode == 1
    assert "line 2" in result.stderr
    assert "keeping the screen on" in result.stderr
    assert calls(machine) == ["start --no-block sciatica-kiosk-screen.service"]


def test_ranges_wrap_around_the_week_and_close_at_midnight(machine: Path) -> None:
    (machine / "opening-hours").write_text("Sat-Mon 20:00-24:00\n")
    assert run(machine, "status", f"{SUNDAY} 23:59").stdout.strip() == "the schedule wants the screen on"
    assert run(machine, "status", f"{MONDAY} 21:00").stdout.strip() == "the schedule wants the screen on"
    assert run(machine, "status", "2025-06-03 21:00").stdout.strip() == "the schedule wants the screen off"
