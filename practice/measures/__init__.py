"""Measures: validated and counselor-made scales, partners' answers, the progress page."""

from flask import Blueprint

bp = Blueprint("measures", __name__)

from practice.measures import answering, views  # noqa: E402,F401
