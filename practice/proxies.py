"""TRUSTED_PROXIES: believing X-Forwarded-For only when a proxy really sets it.

With TRUSTED_PROXIES=N the app takes the client's address from the X-Forwarded-For header
that N proxies in front of it append to. Without a proxy in front, that header comes from
the client, who can then claim any address on every request: the per-address sign-in and
link limits stop counting, and the audit log records made-up addresses. A proxy always
sets the header, so a request without it means the setting is wrong, or something reaches
the app around the proxy: say so, loudly, once per process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

MISSING_HEADER = (
    "TRUSTED_PROXIES=%d, but a request reached the app without an X-Forwarded-For header. "
    "Either a proxy in front does not set it, or requests reach the app around the proxy. "
    "If no reverse proxy is in front of this app, unset TRUSTED_PROXIES: with it, any "
    "client can choose the address the rate limits and the audit log see."
)
# Health checks often come straight from the load balancer or a monitor, not through it.
UNCHECKED_PATHS = frozenset({"/healthz"})


class ForwardedHeaderCheck:
    """WSGI middleware outside ProxyFix: sees the request as it arrived."""

    def __init__(self, wsgi_app: Callable, hops: int, logger: logging.Logger):
        self.wsgi_app = wsgi_app
        self.hops = hops
        self.logger = logger
        self._warned = False
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if (
            not self._warned
            and "HTTP_X_FORWARDED_FOR" not in environ
            and environ.get("PATH_INFO") not in UNCHECKED_PATHS
        ):
            with self._lock:
                first, self._warned = not self._warned, True
            if first:
                self.logger.warning(MISSING_HEADER, self.hops)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies: take the client's address and scheme from
    their X-Forwarded-* headers (so limits and the audit log see the real client), and
    warn when a request arrives without them."""
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        app.wsgi_app = ForwardedHeaderCheck(  # type: ignore[method-assign]
            ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops), hops, app.logger
        )
