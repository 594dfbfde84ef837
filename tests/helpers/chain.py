"""A real clinic chain on this machine: a throwaway PostgreSQL, two `kiosk serve` processes sharing it and one
data directory, and Debian's nginx sharing the requests between them with deploy/'s chain site."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers.postgres import PostgresServer
from tests.helpers.servers import ServeProcess, free_port

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "deploy" / "nginx" / "sciatica-kiosk-chain.conf"
KIOSK_TLS = REPO / "deploy" / "bin" / "kiosk-tls"
CONFIG_DIR = "/etc/sciatica-kiosk/"
# Each kiosk screen has an address of its own, as the screens of two clinics do.
KIOSKS = {"127.0.0.2": "North hall", "127.0.0.3": "South hall"}


def require(*tools: str) -> None:
    """Fail with the Debian package to install when a tool the chain needs is missing."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: apt-get install nginx openssl postgresql (make setup does)")


def eventually(check: Callable[[], bool], seconds: float = 15, what: str = "the chain to agree") -> None:
    """Poll check() until it is true, or fail after seconds: the servers are separate processes."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def chain_site(http_port: int, https_port: int, upstreams: list[str], config_dir: Path) -> str:
    """Return deploy/'s chain site with this machine's ports, app servers and certificate folder."""
    site = SITE.read_text()
    servers = "".join(f"    server {upstream} max_fails=2 fail_timeout=10s;\n" for upstream in upstreams)
    site, replaced = re.subn(
        r"(upstream sciatica_kiosk_chain \{\n(?:    #.*\n)*)(?:    server .*\n)+", rf"\g<1>{servers}", site
    )
    assert replaced == 1, "the chain site's upstream changed: update this helper"
    site = re.sub(r"listen \[::\]:\d+[^;]*;\n\s*", "", site)
    site = site.replace("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;")
    site = site.replace(
        "listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{https_port} ssl http2 default_server;"
    )
    return site.replace(CONFIG_DIR, f"{config_dir}/")


@dataclass
class Nginx:
    """Debian's nginx on two loopback ports, in front of the app servers."""

    prefix: Path
    upstreams: list[str]
    http_port: int = field(default_factory=free_port)
    https_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Write the certificate and the configuration, start nginx and wait until it answers."""
        config_dir = self.prefix / "sciatica-kiosk"
        subprocess.run(
            [
                str(KIOSK_TLS),
                *("--dir", str(config_dir / "tls"), "--front-desk-dir", str(config_dir / "front-desk")),
                *("setup", "--name", "localhost", "--ip", "127.0.0.1"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        (self.prefix / "chain.conf").write_text(chain_site(self.http_port, self.https_port, self.upstreams, config_dir))
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "temp" / temp).mkdir(parents=True, exist_ok=True)
        # Root's workers: the prefix is in pytest's private temporary folder, which www-data can't read.
        user = "user root;" if os.geteuid() == 0 else ""
        temps = "\n".join(f"    {temp}_temp_path {self.prefix}/temp/{temp};" for temp in ("fastcgi", "uwsgi", "scgi"))
        (self.prefix / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # Which app server answered each request: the test reads it to see that both served.
    log_format chain '$request_method $uri $status $upstream_addr';
    access_log {self.prefix}/access.log chain;
    client_body_temp_path {self.prefix}/temp/body;
    proxy_temp_path {self.prefix}/temp/proxy;
{temps}
    include {self.prefix}/chain.conf;
}}
daemon off;
""")
        with (self.prefix / "stderr.log").open("wb") as errors:
            self.process = subprocess.Popen(
                ["nginx", "-e", "stderr", "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")],
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        eventually(self._answers, 15, "nginx to start")

    def _answers(self) -> bool:
        """Tell whether nginx accepts connections."""
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {(self.prefix / 'stderr.log').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                return True
        except OSError:
            return False

    @property
    def url(self) -> str:
        """The chain's address, as front desks and kiosks use it."""
        return f"https://localhost:{self.https_port}"

    def tls(self) -> ssl.SSLContext:
        """A TLS context that trusts the chain's own authority, and nothing else."""
        return ssl.create_default_context(cafile=str(self.prefix / "sciatica-kiosk" / "tls" / "ca.crt"))

    def served(self, path: str) -> list[str]:
        """Return the app server that answered each request for path, in order."""
        log = self.prefix / "access.log"
        lines = log.read_text().splitlines() if log.exists() else []
        return [line.split()[-1] for line in lines if line.split()[1] == path]

    def stop(self) -> None:
        """Stop nginx."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@dataclass
class Chain:
    """The running chain: its database, its two app servers, nginx, and the data directory they share."""

    postgres: PostgresServer
    database_url: str
    data_dir: Path
    a: ServeProcess
    b: ServeProcess
    nginx: Nginx

    @property
    def log(self) -> Path:
        """The log file both app servers write."""
        return self.data_dir / "logs" / "kiosk.log"

    def stop(self) -> None:
        """Stop everything and delete the database server's files."""
        self.nginx.stop()
        for server in (self.a, self.b):
            server.stop()
        self.postgres.destroy()


def start_chain(work: Path, prepare: Callable[[str], None]) -> Chain:
    """Start PostgreSQL, let prepare(url) set up the database, then two app servers and nginx in front."""
    require("nginx", "openssl")
    postgres = PostgresServer()
    started: list[ServeProcess | Nginx] = []
    try:
        url = postgres.create_database()
        prepare(url)
        data = work / "shared-data"
        env = {
            "KIOSK_DATABASE_URL": url,
            "KIOSK_KIOSK_NAMES": json.dumps(KIOSKS),  # the setting KIOSK_NAMES, with the KIOSK_ prefix
            # nginx, on this machine, is the one proxy whose X-Forwarded-For tells the kiosks' addresses apart.
            "KIOSK_TRUSTED_PROXIES": json.dumps(["127.0.0.1"]),
            "KIOSK_EMERGENCY_NUMBER": "112",
            "KIOSK_SPEECH_WORKERS": "1",
            # Debug lines say when a server renders a clip, so the test can count renders across servers.
            "KIOSK_LOG_LEVEL": "DEBUG",
        }
        # Both start at once, as after a power cut: the migration lock and the shared files must cope.
        a = ServeProcess(data, env=env, logs=work, wait=False)
        started.append(a)
        b = ServeProcess(data, env=env, logs=work, wait=False)
        started.append(b)
        a.wait_ready(60)
        b.wait_ready(60)
        nginx = Nginx(work / "nginx", [f"127.0.0.1:{a.port}", f"127.0.0.1:{b.port}"])
        started.append(nginx)
        nginx.start()
    except BaseException:
        for process in reversed(started):
            process.stop()
        postgres.destroy()
        raise
    return Chain(postgres, url, data, a, b, nginx)
