"""shellcheck on every shell script in deploy/, and the Python scripts compile."""

from __future__ import annotations

import py_compile
import subprocess
from pathlib import Path

import pytest

from tests.deploy.sandbox import DEPLOY, require_tools


def scripts(interpreter: str) -> list[Path]:
    """deploy/'s executable scripts whose first line names this interpreter."""
    found = []
    for path in sorted(DEPLOY.rglob("*")):
        if path.is_file() and path.read_bytes()[:2] == b"#!" and interpreter in path.read_text().splitlines()[0]:
            found.append(path)
    return found


def test_there_are_shell_and_python_scripts() -> None:
    assert DEPLOY / "install.sh" in scripts("bash")
    assert DEPLOY / "bin" / "kiosk-browser" in scripts("python3")


@pytest.mark.parametrize("script", scripts("bash"), ids=lambda path: path.name)
def test_shell_script_passes_shellcheck(script: Path) -> None:
    require_tools("shellcheck")
    result = subprocess.run(
        ["shellcheck", "--severity=style", "--external-sources", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("script", scripts("bash"), ids=lambda path: path.name)
def test_shell_script_stops_on_errors(script: Path) -> None:
    assert "set -euo pipefail" in script.read_text()


@pytest.mark.parametrize("script", scripts("python3"), ids=lambda path: path.name)
def test_python_script_compiles(script: Path, tmp_path: Path) -> None:
    py_compile.compile(str(script), cfile=str(tmp_path / "compiled.pyc"), doraise=True)


@pytest.mark.parametrize("script", [*scripts("bash"), *scripts("python3")], ids=lambda path: path.name)
def test_script_is_executable(script: Path) -> None:
    assert script.stat().st_mode & 0o111
