"""Email to partners: their link on request, reminders until the homework is done, opting out."""

from flask import Blueprint

bp = Blueprint("reminders", __name__)

from practice.reminders import cli, views  # noqa: E402,F401
