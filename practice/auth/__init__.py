from flask import Blueprint

bp = Blueprint("auth", __name__)

from practice.auth import views  # noqa: E402,F401  (routes register on import)
