from flask import Blueprint

bp = Blueprint("homework", __name__)

from practice.homework import views  # noqa: E402,F401
