"""The rate limiter: Flask-Limiter, with its fall-back to memory said out loud.

Limits are counted in RATELIMIT_STORAGE_URI (Redis when several workers or hosts serve the
app). When that store stops answering, Flask-Limiter carries on with a per-process memory
store and tries the store again now and then. That is the right behaviour, but it used to
be silent (the library logs to a logger with only a NullHandler), and per-process limits
are several times looser with several workers. So the switch and the recovery are each
logged once, on the app's logger, and /healthz reports "degraded" meanwhile.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, has_app_context
from flask import current_app as _current_app
from flask_limiter import Limiter

log = logging.getLogger("practice.ratelimit")

FALLING_BACK = (
    "Rate-limit store unreachable: limits now count in this process's memory only, "
    "so each worker allows its own share, until the store answers again"
)
RECOVERED = "Rate-limit store answers again: limits are shared by every worker again"


class Limits(Limiter):
    """Flask-Limiter, logging each switch to and from its in-memory fall-back once."""

    _dead = False
    _dead_lock = threading.Lock()

    def init_app(self, app: Flask) -> None:
        # One limiter object serves every app built in this process (tests build many): a
        # new app starts with its own store presumed alive, not in a fall-back that an
        # earlier app's dead store left behind.
        with self._dead_lock:
            self._dead = False
        super().init_app(app)

    @property
    def _storage_dead(self) -> bool:
        return self._dead

    @_storage_dead.setter
    def _storage_dead(self, dead: bool) -> None:
        # Flask-Limiter flips this flag itself on a storage error and on recovery; this is
        # the one place that sees both, whichever request or check noticed.
        with self._dead_lock:
            changed, self._dead = dead != self._dead, dead
        if changed:
            _logger().warning(FALLING_BACK if dead else RECOVERED)

    @property
    def degraded(self) -> bool:
        """True while limits are per process because the shared store does not answer."""
        return self._dead

    def check_store(self) -> bool:
        """Ask the store now (for /healthz); records a fall-back or a recovery. True if it
        answers or limits are off."""
        if not self.enabled or self._storage is None:
            return True
        try:
            alive = bool(self._storage.check())
        except Exception:  # any failure to answer is "not answering"
            alive = False
        if self._in_memory_fallback_enabled:
            self._storage_dead = not alive
        return alive


def _logger() -> logging.Logger:
    # The app's logger has a handler (Flask's, or gunicorn's through the root), so the line
    # reaches the server's log; outside a request, our own module logger.
    return _current_app.logger if has_app_context() else log
