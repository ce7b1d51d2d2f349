from flask import Blueprint

bp = Blueprint("sessions", __name__)

from practice.sessions import views  # noqa: E402,F401
