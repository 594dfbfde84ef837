"""A tiny keep-alive HTTP client on the standard library, so the benchmarks need no extra package."""

from __future__ import annotations

import http.client
from types import TracebackType
from urllib.parse import urlsplit


class Connection:
    """One persistent HTTP/1.1 connection to a local server."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)

    def get(self, url: str) -> int:
        """GET a URL, read the whole body and return the status."""
        parts = urlsplit(url)
        self._connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        response = self._connection.getresponse()
        response.read()
        return response.status

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self._connection.close()
