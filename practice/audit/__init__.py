"""The audit log: who viewed, changed, exported or deleted what, and sign-ins. Append-only."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from practice.audit import models, views  # noqa: E402,F401
