"""The partner's side: one personal link per partner, their home, and each homework under it."""

from flask import Blueprint

bp = Blueprint("partner", __name__)
