"""Settings from the environment, with safe defaults for a single-machine practice."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def normalize_database_url(url: str) -> str:
    """Let operators paste the usual `postgres://` URLs; we talk to PostgreSQL through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/.

    Keeping it on disk means sign-ins survive a restart; generating it means there is
    never a hard-coded default that someone forgets to change.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Create with owner-only permissions; O_EXCL makes a race between workers harmless.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def settings_from_env(instance_path: str) -> dict:
    """Every setting the app reads, in one place (documented in the README)."""
    default_db = "sqlite:///" + str(Path(instance_path) / "practice.db")
    https = _bool("HTTPS", False)
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": normalize_database_url(
            os.environ.get("DATABASE_URL", default_db)
        ),
        "PRACTICE_NAME": os.environ.get("PRACTICE_NAME", "Couples Counseling Practice"),
        "PAPER_SIZE": os.environ.get("PAPER_SIZE", "a4").lower(),
        "DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "UTC"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "IDLE_TIMEOUT_MINUTES": _int("IDLE_TIMEOUT_MINUTES", 30),
        "ABSOLUTE_SESSION_HOURS": _int("ABSOLUTE_SESSION_HOURS", 12),
        "LINK_GRACE_DAYS": _int("LINK_GRACE_DAYS", 14),
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 1024 * 1024),
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "HTTPS": https,
        "BASE_URL": os.environ.get("BASE_URL", "").rstrip("/"),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # The articles the library cites are not shipped with the app; where they are (CI,
        # library editors), `flask seed` also checks each citation against its article.
        "SOURCE_DIR": os.environ.get("SOURCE_DIR") or None,
        **mail_and_job_settings(instance_path),
    }


def mail_and_job_settings(instance_path: str) -> dict:
    """Email (SMTP) and the job queue; see the README's "Email, reminders and jobs"."""
    return {
        # No MAIL_SERVER: the app runs as before and every "send" control says email is off.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip(),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "practice@localhost"),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 30),
        "MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 60),
        "MAIL_RETRY_HOURS": _int("MAIL_RETRY_HOURS", 24),
        "MAIL_CLAIM_TIMEOUT_SECONDS": _int("MAIL_CLAIM_TIMEOUT_SECONDS", 300),
        "MAIL_REQUEUE_GRACE_SECONDS": _int("MAIL_REQUEUE_GRACE_SECONDS", 60),
        # No JOBS_REDIS_URL: the queue is a SQLite file in instance/ (one machine).
        "JOBS_REDIS_URL": os.environ.get("JOBS_REDIS_URL", "").strip(),
        # The queue's name in Redis: apps sharing one Redis database need different names.
        "JOBS_QUEUE_NAME": os.environ.get("JOBS_QUEUE_NAME", "practice").strip() or "practice",
        "JOBS_SQLITE_PATH": os.environ.get("JOBS_SQLITE_PATH")
        or str(Path(instance_path) / "jobs.db"),
        "JOBS_IN_PROCESS_WORKERS": _int("JOBS_IN_PROCESS_WORKERS", 2),
        # How long a built full-record PDF is kept before it is deleted.
        "EXPORT_KEEP_MINUTES": _int("EXPORT_KEEP_MINUTES", 30),
    }


# Defaults that do not depend on the environment.
BASE_SETTINGS: dict = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # the signed session ties the token; idle sign-out bounds its life
    "RATELIMIT_HEADERS_ENABLED": True,
    # If Redis (the shared limit store) stops answering, limits carry on per process in memory
    # and Redis is tried again now and then; any other storage error is logged, never a 500.
    # The short timeouts keep a vanished Redis host from holding every request.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    "SEED_DIR": str(Path(__file__).resolve().parent.parent / "seed"),
}
