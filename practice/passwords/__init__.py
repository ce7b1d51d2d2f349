"""Password reset: a one-time link, made by the administrator or asked for by email."""

from flask import Blueprint

bp = Blueprint("passwords", __name__)
