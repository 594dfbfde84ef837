"""Runs inside its own network namespace as root: deploy/'s nginx site on the real ports 80 and 443,
in front of a tiny WSGI server on 127.0.0.1:8080 (where the kiosk server listens) that echoes the
headers it receives. Prints what a front desk PC would see, as JSON. Standard library only.

    python3 nginx_probe.py PREFIX    # PREFIX holds nginx.conf and the certificates (see test_nginx.py)
"""

from __future__ import annotations

import http.client
import json
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

SPOOFED = "203.0.113.66"


def echo_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answer with the request's path and forwarding headers."""
    body = json.dumps(
        {
            "path": environ.get("PATH_INFO"),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "host": environ.get("HTTP_HOST"),
            "x_forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "x_forwarded_proto": environ.get("HTTP_X_FORWARDED_PROTO"),
            "x_forwarded_host": environ.get("HTTP_X_FORWARDED_HOST"),
            "x_forwarded_port": environ.get("HTTP_X_FORWARDED_PORT"),
        }
    ).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def request(connection: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> dict[str, Any]:
    """Make one GET and return its status, headers and body."""
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return {
        "status": response.status,
        "headers": dict(response.getheaders()),
        "body": response.read().decode(errors="replace"),
    }


def wait_for_port(port: int, seconds: float = 10) -> None:
    """Wait until something listens on 127.0.0.1:port."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


def main() -> None:
    prefix = Path(sys.argv[1])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    app_server = make_server("127.0.0.1", 8080, echo_app, handler_class=QuietHandler)
    threading.Thread(target=app_server.serve_forever, daemon=True).start()
    nginx = subprocess.Popen(["nginx", "-e", "stderr", "-p", str(prefix), "-c", str(prefix / "nginx.conf")])
    report: dict[str, Any] = {}
    try:
        wait_for_port(80)
        wait_for_port(443)
        plain = http.client.HTTPConnection("127.0.0.1", 80, timeout=5)
        report["redirect"] = request(plain, "/staff/?next=%2F", {"Host": "kiosk.local"})
        report["ca_download"] = request(plain, "/front-desk/sciatica-kiosk-ca.crt", {"Host": "kiosk.local"})
        trusted = ssl.create_default_context(cafile=str(prefix / "sciatica-kiosk" / "tls" / "ca.crt"))
        secure = http.client.HTTPSConnection("127.0.0.1", 443, timeout=5, context=trusted)
        report["https"] = request(secure, "/staff/", {"Host": "localhost", "X-Forwarded-For": SPOOFED})
        report["tls_version"] = secure.sock.version() if secure.sock else None
        try:
            untrusted = http.client.HTTPSConnection("127.0.0.1", 443, timeout=5, context=ssl.create_default_context())
            request(untrusted, "/", {})
            report["untrusted"] = "accepted"
        except ssl.SSLCertVerificationError as error:
            report["untrusted"] = error.verify_message
    finally:
        nginx.terminate()
        nginx.wait(10)
        app_server.shutdown()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
