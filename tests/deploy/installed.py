"""install.sh run twice into a throwaway root, shared by the install and unit tests.

The deploy tests have no network, so pip and npm are pointed at local copies through their own
environment variables (install.sh has no test-only switch): PIP_NO_INDEX/PIP_FIND_LINKS at wheels
rebuilt from this environment, npm_config_offline at npm's cache, which `make setup` filled. pip
can't fetch setuptools' build helper either, so the build uses the virtualenv's setuptools with
Debian's `wheel` module (python3-wheel) on PYTHONPATH.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.deploy import wheelhouse
from tests.deploy.sandbox import DEPLOY, REPO_ROOT, require_root, require_tools

DEBIAN_WHEEL = Path("/usr/lib/python3/dist-packages")
DATA_FILE = "var/lib/sciatica-kiosk/kiosk.sqlite3"
EDITED_CONFIG = "etc/sciatica-kiosk/opening-hours"

Snapshot = dict[str, tuple[Any, ...]]


@dataclass
class Installed:
    """The throwaway root after two runs, with what each run printed and left behind."""

    root: Path
    first: Snapshot
    second: Snapshot
    second_output: str


def snapshot(root: Path) -> Snapshot:
    """Every path under root with its type, content hash or link target, mode and owner."""
    entries: Snapshot = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        if stat.S_ISLNK(info.st_mode):
            kind: tuple[Any, ...] = ("link", str(path.readlink()))
        elif stat.S_ISDIR(info.st_mode):
            kind = ("dir",)
        else:
            kind = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
        entries[str(path.relative_to(root))] = (*kind, stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid)
    return entries


def offline_environment(work: Path) -> dict[str, str]:
    """Environment variables that make pip and npm work from local copies."""
    requirements = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    wheelhouse.build(requirements, work / "wheels")
    helper = work / "build-helper"
    helper.mkdir()
    wheel_dist = sorted(DEBIAN_WHEEL.glob("wheel-*.egg-info"))
    if not (DEBIAN_WHEEL / "wheel").is_dir() or not wheel_dist:
        pytest.fail("Debian's python3-wheel is missing: apt-get install python3-wheel")
    shutil.copytree(DEBIAN_WHEEL / "wheel", helper / "wheel")
    shutil.copytree(wheel_dist[-1], helper / wheel_dist[-1].name)
    return {
        **os.environ,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(work / "wheels"),
        "PIP_NO_BUILD_ISOLATION": "0",
        "PYTHONPATH": str(helper),
        "npm_config_offline": "true",
    }


def run_install(root: Path, env: dict[str, str]) -> str:
    """Run deploy/install.sh into root; fail with its output if it fails."""
    result = subprocess.run(
        [str(DEPLOY / "install.sh"), "--root", str(root), "--no-packages", "--no-start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"install.sh failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """install.sh twice into one root, with data and a settings edit made between the runs."""
    require_root()
    require_tools("rsync", "npm", "openssl", "systemd-sysusers", "systemd-tmpfiles", "systemctl")
    work = tmp_path_factory.mktemp("install")
    root = work / "root"
    env = offline_environment(work)
    run_install(root, env)
    # What a running kiosk would have written by the time of an upgrade: data, and a staff edit.
    (root / DATA_FILE).write_text("the clinic's data")
    (root / DATA_FILE).chmod(0o644)
    (root / EDITED_CONFIG).write_text("Mon-Sat 09:00-18:00\n")
    first = snapshot(root)
    output = run_install(root, env)
    return Installed(root, first, snapshot(root), output)
