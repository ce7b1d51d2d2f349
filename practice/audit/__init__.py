"""The audit log: who viewed, changed, exported or deleted what, and sign-ins. Append-only."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")
