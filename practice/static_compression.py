"""Gzip for our own stylesheets and scripts, so a partner's phone downloads a third as much.

Only static files are compressed: they hold no secrets and nothing anyone typed. Pages are
not, on purpose: a compressed page that mixes a secret (the CSRF token) with text an
attacker can influence leaks the secret through its size (BREACH). Each file is compressed
once per version (path, size and modification time) and kept in memory; they are ours
and small.
"""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

from flask import Flask, Response, request

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml"}
SMALLEST = 512  # bytes: below this gzip's header costs more than it saves


@lru_cache(maxsize=64)
def _compressed(path: str, size: int, mtime: float) -> bytes:
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)


def init_app(app: Flask) -> None:
    @app.after_request
    def compress_static(response: Response) -> Response:
        if (
            request.endpoint != "static"
            or response.status_code != 200
            or response.mimetype not in COMPRESSIBLE
            or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
            or "Content-Encoding" in response.headers
        ):
            return response
        filename = (request.view_args or {}).get("filename", "")
        path = os.path.join(app.static_folder or "", filename)
        try:
            stat = os.stat(path)
        except OSError:
            return response
        if stat.st_size < SMALLEST:
            return response
        body = _compressed(path, stat.st_size, stat.st_mtime)
        original = response.response
        if hasattr(original, "close"):
            original.close()  # the open file send_file handed over; we send bytes instead
        response.direct_passthrough = False
        response.set_data(body)
        response.headers["Content-Encoding"] = "gzip"
        response.headers["Content-Length"] = str(len(body))
        response.vary.add("Accept-Encoding")
        return response
