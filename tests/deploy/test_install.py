"""install.sh is idempotent: a second run into the same root changes nothing and keeps data and edits."""

from __future__ import annotations

from tests.deploy.installed import DATA_FILE, EDITED_CONFIG, Installed

ENABLED = {
    "multi-user.target.wants": {
        "sciatica-kiosk.service",
        "sciatica-kiosk-warm.service",
        "sciatica-kiosk-screen.service",
    },
    "timers.target.wants": {
        "sciatica-kiosk-screen-power.timer",
        "sciatica-kiosk-backup.timer",
        "sciatica-kiosk-health.timer",
        "sciatica-kiosk-tls-renew.timer",
    },
}


def test_a_second_run_leaves_every_file_as_it_was(installed: Installed) -> None:
    added = sorted(set(installed.second) - set(installed.first))
    removed = sorted(set(installed.first) - set(installed.second))
    changed = sorted(
        path for path in installed.first if path in installed.second and installed.first[path] != installed.second[path]
    )
    # Only the data file the test left as root's and 0644 is different: handed to kiosk, owner-only.
    assert (added, removed, changed) == ([], [], [DATA_FILE])
    assert installed.first[DATA_FILE][:2] == installed.second[DATA_FILE][:2], "the data's content changed"
    assert len(installed.first) > 1000, "the root looks empty: the app and its virtualenv are missing"


def test_a_second_run_skips_the_package_installs(installed: Installed) -> None:
    assert "Python packages are up to date." in installed.second_output
    assert "npm packages are up to date." in installed.second_output


def test_data_and_settings_edits_are_kept(installed: Installed) -> None:
    assert (installed.root / DATA_FILE).read_text() == "the clinic's data"
    assert (installed.root / EDITED_CONFIG).read_text() == "Mon-Sat 09:00-18:00\n"


def test_each_user_exists_once(installed: Installed) -> None:
    names = [line.split(":")[0] for line in (installed.root / "etc/passwd").read_text().splitlines()]
    assert sorted(names) == ["kiosk", "kiosk-screen"]
    groups = {
        line.split(":")[0]: line.split(":")[3] for line in (installed.root / "etc/group").read_text().splitlines()
    }
    for group in ("video", "render", "audio"):
        assert groups[group].split(",") == ["kiosk-screen"]


def test_data_directory_is_the_kiosk_users_alone(installed: Installed) -> None:
    uid = next(
        int(line.split(":")[2])
        for line in (installed.root / "etc/passwd").read_text().splitlines()
        if line.startswith("kiosk:")
    )
    assert installed.second["var/lib/sciatica-kiosk"] == ("dir", 0o700, uid, uid)
    # The test wrote it as root with 0644, as an older version or a mistaken administrator would have.
    assert installed.second[DATA_FILE][2:] == (0o600, uid, uid)


def test_units_are_enabled_once(installed: Installed) -> None:
    system = installed.root / "etc/systemd/system"
    for wants, units in ENABLED.items():
        links = sorted(path.name for path in (system / wants).iterdir())
        assert links == sorted(units), wants
        for name in units:
            assert (system / wants / name).readlink().as_posix() == f"/etc/systemd/system/{name}"


def test_the_app_is_installed_read_only_with_its_virtualenv_and_htmx(installed: Installed) -> None:
    app = installed.root / "opt/sciatica-kiosk"
    assert (app / ".venv/bin/kiosk").exists()
    assert (app / "node_modules/htmx.org").is_dir()
    assert not (app / "node_modules/axe-core").exists(), "test tools were installed"
    assert list(app.glob("translations/*/LC_MESSAGES/messages.mo")), "the catalogs were not compiled"
    assert not (app / "tests").exists()
    assert not (app / ".git").exists()
    writable = [
        path
        for path, entry in installed.second.items()
        if path.startswith("opt/") and entry[0] != "link" and (entry[-3] & 0o022 or entry[-2] != 0)
    ]
    assert writable == []


def test_policy_certificates_and_nginx_site_are_in_place(installed: Installed) -> None:
    root = installed.root
    assert (root / "etc/chromium/policies/managed/sciatica-kiosk.json").exists()
    assert installed.second["etc/sciatica-kiosk/tls/ca.key"][2] == 0o600
    assert installed.second["etc/sciatica-kiosk/tls/server.key"][2] == 0o600
    assert (root / "etc/sciatica-kiosk/front-desk/sciatica-kiosk-ca.crt").exists()
    assert (
        root / "etc/nginx/sites-enabled/sciatica-kiosk"
    ).readlink().as_posix() == "../sites-available/sciatica-kiosk"
    assert (
        root / "usr/local/sbin/sciatica-kiosk"
    ).readlink().as_posix() == "/opt/sciatica-kiosk/deploy/bin/sciatica-kiosk"
