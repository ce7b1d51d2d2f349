from flask import Blueprint

bp = Blueprint("couples", __name__, url_prefix="/couples")

from practice.couples import views  # noqa: E402,F401
