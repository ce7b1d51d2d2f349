"""The couple's full record as a PDF built in the background, kept a short while."""

from flask import Blueprint

bp = Blueprint("exports", __name__)
