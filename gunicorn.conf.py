"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app`.

Everything can be changed from the environment; the defaults suit one small server behind
a reverse proxy that terminates HTTPS.
"""

import os
import sys

from gunicorn.glogging import Logger

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from practice.log_redaction import RedactTokens, redact  # noqa: E402

wsgi_app = "app:app"
bind = os.environ.get("BIND", "127.0.0.1:" + os.environ.get("PORT", "8000")).split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On a restart or deploy (SIGTERM, SIGHUP) a worker finishes the requests it holds for this
# long before it is stopped: a partner's send in flight is answered, not cut. A worker that
# dies anyway (kill -9, the timeout above) loses its request's answer; the partner page's
# script (static/js/resend.js) sends it again with the same submission key.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Only the proxy on this machine may tell us the client's address and scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"  # stdout: the process manager or container collects it
errorlog = "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'


class RedactingLogger(Logger):
    """gunicorn's logger with partner-link tokens removed from every access-log field
    (request line, path, referrer, headers) and from error-log messages."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            log.addFilter(RedactTokens())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


logger_class = RedactingLogger
