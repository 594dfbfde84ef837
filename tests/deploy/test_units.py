"""systemd-analyze verify on every unit install.sh installs, against the files it installed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.installed import Installed
from tests.deploy.sandbox import DEPLOY, require_tools

UNITS = sorted(path.name for path in (DEPLOY / "systemd").iterdir())


def verify(units: list[Path]) -> subprocess.CompletedProcess[str]:
    """Run systemd-analyze verify on unit files, man pages not checked (none are installed in CI)."""
    require_tools("systemd-analyze")
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=units[0].parent,
    )


def relocated(installed: Installed, directory: Path, replace: dict[str, str] | None = None) -> list[Path]:
    """Copy the installed units, pointing /opt/sciatica-kiosk at the throwaway root's copy.

    So verify checks that every ExecStart= names an executable that install.sh really installed, and
    every other path (cage, the targets) against this machine, as a kiosk would."""
    copies = []
    for name in UNITS:
        text = (installed.root / "etc/systemd/system" / name).read_text()
        text = text.replace("/opt/sciatica-kiosk", str(installed.root / "opt/sciatica-kiosk"))
        for old, new in (replace or {}).items():
            text = text.replace(old, new)
        (directory / name).write_text(text)
        copies.append(directory / name)
    return copies


def test_every_unit_passes_systemd_analyze_verify(installed: Installed, tmp_path: Path) -> None:
    result = verify(relocated(installed, tmp_path))
    # Warnings (an unknown key, a bad value) exit 0 but still print: allow no output at all.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_verify_catches_a_missing_program(installed: Installed, tmp_path: Path) -> None:
    result = verify(relocated(installed, tmp_path, {"deploy/bin/kiosk-health-check": "deploy/bin/kiosk-health-chek"}))
    assert result.returncode != 0
    assert "kiosk-health-chek" in result.stderr


def test_verify_reports_an_unknown_setting(installed: Installed, tmp_path: Path) -> None:
    result = verify(relocated(installed, tmp_path, {"Restart=always": "Restart=always\nRestartt=always"}))
    assert "Unknown key" in result.stdout + result.stderr


def test_every_timer_has_its_service() -> None:
    for timer in [name for name in UNITS if name.endswith(".timer")]:
        assert timer.replace(".timer", ".service") in UNITS


def test_every_program_a_unit_runs_is_installed_by_install_sh() -> None:
    programs = set()
    for name in UNITS:
        for line in (DEPLOY / "systemd" / name).read_text().splitlines():
            match = re.match(r"Exec\w+=(\S+)", line)
            if match:
                programs.add(match.group(1))
    ours = {program for program in programs if program.startswith("/opt/sciatica-kiosk/")}
    assert ours, "no unit runs the kiosk's own programs"
    for program in ours:
        relative = program.removeprefix("/opt/sciatica-kiosk/")
        if not relative.startswith(".venv/"):
            assert (DEPLOY.parent / relative).exists(), program


@pytest.mark.parametrize(
    "unit", ["sciatica-kiosk.service", "sciatica-kiosk-warm.service", "sciatica-kiosk-backup.service"]
)
def test_units_touching_the_data_run_as_kiosk_with_an_owner_only_umask(unit: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text()
    assert "User=kiosk\n" in text
    assert "UMask=0077" in text
