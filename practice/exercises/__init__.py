from flask import Blueprint

bp = Blueprint("exercises", __name__, url_prefix="/library")

from practice.exercises import views  # noqa: E402,F401
