"""The practice's own details: name, letterhead, crisis line, paper size and time zone."""

from flask import Blueprint

bp = Blueprint("settings", __name__)
