"""The kiosk screen's Chromium, started with deploy/'s exact flags and managed policy, and its watchdog."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deploy.sandbox import DEPLOY, require_tools, run_probe


@pytest.fixture(scope="module")
def policy_report() -> dict[str, Any]:
    """One headless Chromium with the kiosk's flags and policy, probed through DevTools."""
    return run_probe("policy")


def test_chromium_gets_the_flags_from_the_flags_file(policy_report: dict[str, Any]) -> None:
    flags = policy_report["flags"]
    assert flags, "deploy/chromium/kiosk.flags holds no flags"
    assert "--kiosk" in flags
    assert "--no-first-run" in flags
    assert "--disable-pinch" in flags
    assert "--autoplay-policy=no-user-gesture-required" in flags
    assert sum(flag.startswith("--disable-features=") for flag in flags) == 1, "Chromium keeps only the last one"


def test_the_kiosk_page_loads(policy_report: dict[str, Any]) -> None:
    assert policy_report["kiosk"] == {"href": "http://127.0.0.1:8080/", "title": "Kiosk test page"}


def test_every_other_address_is_blocked_before_it_is_fetched(policy_report: dict[str, Any]) -> None:
    for url, outcome in policy_report["blocked"].items():
        assert outcome["error"] == "net::ERR_BLOCKED_BY_ADMINISTRATOR", url
        assert outcome["href"] == "chrome-error://chromewebdata/", url
        assert "blocked" in outcome["text"], url
    assert policy_report["outside_requests"] == [], "the outside site was contacted"


def test_read_aloud_may_play_without_a_tap(policy_report: dict[str, Any]) -> None:
    assert policy_report["autoplay"] == "allowed"


def test_the_kiosk_screen_may_not_use_a_microphone(policy_report: dict[str, Any]) -> None:
    assert policy_report["microphone"] == "NotAllowedError"


def test_a_second_tab_is_closed_by_the_watchdog(policy_report: dict[str, Any]) -> None:
    assert len(policy_report["tabs_before_check"]) == 2
    assert policy_report["check"] is True
    assert len(policy_report["tabs_after_check"]) == 1
    assert "chrome://history/" not in policy_report["tabs_after_check"]


def test_the_policy_is_the_one_install_sh_installs() -> None:
    install = (DEPLOY / "install.sh").read_text()
    assert "chromium/kiosk-policy.json" in install


def test_watchdog_reloads_a_hung_page_returns_from_an_error_page_and_exits_when_chromium_dies() -> None:
    report = run_probe("watchdog")
    log = "\n".join(report["log"])
    # First page: its renderer spins forever; the watchdog opens the kiosk again in a fresh tab.
    assert "did not answer" in log, log
    assert "reloading the kiosk in a fresh tab" in log, log
    # Second page: it left for a blocked address while /health failed; back only once /health answers.
    assert report["third_load"], log
    assert "going back to http://127.0.0.1:8080/" in log, log
    assert report["loads"][2] >= report["health_back_at"], report
    # Third page: alive, running its JavaScript.
    assert report["alive_after_recovery"], log
    # Chromium killed: kiosk-browser exits non-zero, so that systemd starts the screen again.
    assert report["chromium_pids"], "kiosk-browser had no Chromium child"
    assert report["launcher_status"] == 1, log
    assert "Chromium exited" in log
    assert report["notify"] == ["READY=1", "WATCHDOG=1"]


def test_the_screen_command_line_runs_chromium_in_cage_with_the_exact_flags() -> None:
    require_tools("cage", "Xwayland")
    report = run_probe("cage")
    assert report["alive"], report["log"]
    started = next(line for line in report["log"] if "starting /usr/bin/chromium" in line)
    assert "--headless" not in started
    assert "--ozone-platform=wayland" in started
    # Not checked: cage 0.1.4 on wlroots' headless backend aborts (SIGABRT) as it shuts down on SIGTERM.
