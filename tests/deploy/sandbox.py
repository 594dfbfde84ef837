"""Run Chromium the way the kiosk does, without touching this machine's browser setup.

Each run gets its own network namespace (a private loopback, so the kiosk's real port 8080 is free and
nothing else is reachable) and its own mount namespace, in which deploy/'s managed policy is bind-mounted
over /etc/chromium. The machine's /etc/chromium is never written, so other browser tests in the same
session see no policy at all. Chromium runs as `nobody`, with its sandbox, as it runs as kiosk-screen.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
PROBE = Path(__file__).with_name("kiosk_probe.py")
CHROMIUM = Path("/usr/bin/chromium")
ETC_CHROMIUM = Path("/etc/chromium")
UNPRIVILEGED = "nobody"
# Inside the namespaces: bring the private loopback up, lay the policy over /etc/chromium, drop root.
ENTER = (
    'ip link set lo up && mount --bind "$1" /etc/chromium && shift && '
    f'exec setpriv --reuid={UNPRIVILEGED} --regid=nogroup --clear-groups "$@"'
)


def require_tools(*tools: str) -> None:
    """Fail with a clear message when a tool the deploy tests need is missing."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: install the Debian packages that provide them "
            '(deploy/README.md, "Checking the deploy files")'
        )


def require_root() -> None:
    """Fail unless running as root, which namespaces, users and bind mounts need (CI runs as root)."""
    if os.geteuid() != 0:
        pytest.fail("the deploy tests need root (namespaces, bind mounts, test users); run them as CI does, as root")


@contextmanager
def sandbox_dir() -> Iterator[Path]:
    """A world-readable copy of what the probe needs, with a private part for the unprivileged user."""
    work = Path(tempfile.mkdtemp(prefix="kiosk-deploy-test-"))
    try:
        work.chmod(0o755)
        shutil.copytree(DEPLOY / "bin", work / "deploy" / "bin")
        shutil.copytree(DEPLOY / "chromium", work / "deploy" / "chromium")
        shutil.copy(PROBE, work / PROBE.name)
        etc = work / "etc-chromium"
        shutil.copytree(ETC_CHROMIUM, etc, ignore=shutil.ignore_patterns("policies"))
        managed = etc / "policies" / "managed"
        managed.mkdir(parents=True)
        shutil.copy(DEPLOY / "chromium" / "kiosk-policy.json", managed / "sciatica-kiosk.json")
        for private in ("run", "home"):
            (work / private).mkdir(mode=0o700)
            shutil.chown(work / private, UNPRIVILEGED)
        # The copies must be readable by the unprivileged user whatever the test process's umask (the app
        # sets 077 for its own data when a test creates one).
        for path in (work / "deploy").rglob("*"):
            path.chmod(path.stat().st_mode | 0o055 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
        for path in (work / PROBE.name, *etc.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        for path in (work / "deploy", etc):
            path.chmod(0o755)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_probe(mode: str, timeout: float = 120) -> dict[str, Any]:
    """Run kiosk_probe.py in the sandbox and return its report."""
    require_root()
    require_tools("unshare", "setpriv", "ip", "pgrep")
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    if not ETC_CHROMIUM.is_dir():
        pytest.fail(f"{ETC_CHROMIUM} is missing: Debian's chromium package creates it")
    with sandbox_dir() as work:
        home = work / "home"
        command = [
            "unshare",
            "--net",
            "--mount",
            "--",
            "/bin/sh",
            "-c",
            ENTER,
            "sh",
            str(work / "etc-chromium"),
            "env",
            "-i",
            f"HOME={home}",
            f"XDG_CONFIG_HOME={home}/.config",
            f"XDG_CACHE_HOME={home}/.cache",
            "PATH=/usr/bin:/bin",
            "/usr/bin/python3",
            str(work / PROBE.name),
            mode,
            str(work / "deploy"),
            str(work / "run"),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            pytest.fail(f"the {mode} probe failed ({result.returncode}):\n{result.stdout}\n{result.stderr[-4000:]}")
        report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return report
