"""deploy/'s nginx site: `nginx -t`, then a real nginx on the real ports in a private network namespace,
with a certificate from kiosk-tls, in front of a tiny WSGI server on the kiosk server's port."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.sandbox import DEPLOY, require_root, require_tools

PROBE = Path(__file__).with_name("nginx_probe.py")
SITE = DEPLOY / "nginx" / "sciatica-kiosk.conf"
CONFIG_DIR = "/etc/sciatica-kiosk/"


def nginx_prefix(prefix: Path) -> Path:
    """An nginx prefix holding Debian's http{} essentials and the shipped site, its paths moved into prefix.

    Only /etc/sciatica-kiosk/ moves (the certificates and the front-desk files); the listen lines and
    the upstream stay as shipped, because the probe runs in a network namespace of its own."""
    require_tools("nginx", "openssl")
    config_dir = prefix / "sciatica-kiosk"
    subprocess.run(
        [
            str(DEPLOY / "bin" / "kiosk-tls"),
            "--dir",
            str(config_dir / "tls"),
            "--front-desk-dir",
            str(config_dir / "front-desk"),
            "setup",
            "--name",
            "localhost",
            "--ip",
            "127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = SITE.read_text()
    assert site.count(CONFIG_DIR) == 4, "the site's paths changed: update this test"
    (prefix / "sciatica-kiosk.conf").write_text(site.replace(CONFIG_DIR, f"{config_dir}/"))
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "temp" / temp).mkdir(parents=True)
    # As Debian's nginx.conf, minus its machine-wide paths. Workers run as root: the prefix lives in
    # pytest's private temporary directory, which www-data can't read.
    (prefix / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
pid {prefix}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    error_log {prefix}/error.log;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include {prefix}/sciatica-kiosk.conf;
}}
daemon off;
""")
    return prefix


@pytest.fixture(scope="module")
def prefix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_root()
    return nginx_prefix(tmp_path_factory.mktemp("nginx"))


@pytest.fixture(scope="module")
def report(prefix: Path) -> dict[str, Any]:
    """What a front desk PC sees through nginx."""
    require_tools("unshare", "ip")
    result = subprocess.run(
        ["unshare", "--net", "--", sys.executable, str(PROBE), str(prefix)], capture_output=True, text=True, timeout=60
    )
    if result.returncode != 0:
        pytest.fail(
            f"the nginx probe failed:\n{result.stdout}\n{result.stderr}\n"
            f"{(prefix / 'error.log').read_text() if (prefix / 'error.log').exists() else ''}"
        )
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return parsed


def test_nginx_accepts_the_configuration(prefix: Path) -> None:
    result = subprocess.run(
        ["nginx", "-t", "-e", "stderr", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "test is successful" in result.stderr


def test_plain_http_redirects_to_https(report: dict[str, Any]) -> None:
    assert report["redirect"]["status"] == 301
    assert report["redirect"]["headers"]["Location"] == "https://kiosk.local/staff/?next=%2F"


def test_the_front_desk_can_fetch_the_authority_over_http(report: dict[str, Any], prefix: Path) -> None:
    assert report["ca_download"]["status"] == 200
    assert report["ca_download"]["body"] == (prefix / "sciatica-kiosk/tls/ca.crt").read_text()


def test_https_works_with_the_kiosks_own_authority(report: dict[str, Any]) -> None:
    assert report["https"]["status"] == 200
    assert report["tls_version"] in ("TLSv1.2", "TLSv1.3")
    assert report["https"]["headers"]["Strict-Transport-Security"] == "max-age=31536000"
    assert "certificate verify failed" not in str(report["https"])
    assert report["untrusted"] == "unable to get local issuer certificate"


def test_the_app_gets_the_forwarded_headers_and_not_a_spoofed_address(report: dict[str, Any]) -> None:
    seen = json.loads(report["https"]["body"])
    assert seen == {
        "path": "/staff/",
        "remote_addr": "127.0.0.1",
        "host": "localhost",
        "x_forwarded_for": "127.0.0.1",
        "x_forwarded_proto": "https",
        "x_forwarded_host": "localhost",
        "x_forwarded_port": "443",
    }


def test_the_authority_can_vouch_only_for_its_own_names(prefix: Path, tmp_path: Path) -> None:
    tls = prefix / "sciatica-kiosk" / "tls"
    # A certificate the authority signs for someone else's site is refused by name constraints.
    subprocess.run(
        [
            "openssl",
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-noenc",
            "-keyout",
            str(tmp_path / "key"),
            "-out",
            str(tmp_path / "csr"),
            "-subj",
            "/CN=bank.example",
        ],
        check=True,
        capture_output=True,
    )
    (tmp_path / "ext").write_text("subjectAltName=DNS:bank.example\n")
    subprocess.run(
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            str(tmp_path / "csr"),
            "-CA",
            str(tls / "ca.crt"),
            "-CAkey",
            str(tls / "ca.key"),
            "-days",
            "1",
            "-extfile",
            str(tmp_path / "ext"),
            "-out",
            str(tmp_path / "crt"),
        ],
        check=True,
        capture_output=True,
    )
    forged = subprocess.run(
        ["openssl", "verify", "-CAfile", str(tls / "ca.crt"), str(tmp_path / "crt")], capture_output=True, text=True
    )
    assert forged.returncode != 0
    assert "permitted subtree violation" in forged.stdout + forged.stderr
    genuine = subprocess.run(
        ["openssl", "verify", "-CAfile", str(tls / "ca.crt"), str(tls / "server.crt")], capture_output=True, text=True
    )
    assert genuine.returncode == 0, genuine.stdout + genuine.stderr


def test_the_front_desk_policy_names_only_the_kiosks_https_origins(prefix: Path) -> None:
    policy = json.loads((prefix / "sciatica-kiosk/front-desk/chromium-policy.json").read_text())
    origins = ["https://localhost", "https://127.0.0.1"]
    assert policy == {
        "AutoplayAllowlist": origins,
        "NotificationsAllowedForUrls": origins,
        "AudioCaptureAllowedUrls": origins,
        "AudioCaptureAllowed": False,
    }
    registry = (prefix / "sciatica-kiosk/front-desk/chrome-policy.reg").read_bytes()
    assert registry.startswith(b"Windows Registry Editor Version 5.00\r\n")
    assert b'"1"="https://localhost"\r\n' in registry
    assert b'"AudioCaptureAllowed"=dword:00000000' in registry
