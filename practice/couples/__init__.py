from flask import Blueprint

bp = Blueprint("couples", __name__, url_prefix="/couples")
