"""Measures: validated and counselor-made scales, partners' answers, the progress page."""

from flask import Blueprint

bp = Blueprint("measures", __name__)
