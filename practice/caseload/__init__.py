"""The administrator moves couples between counselors: one couple, a whole caseload, or
everything when a counselor's account is closed (issues 13 and 17)."""

from flask import Blueprint

bp = Blueprint("caseload", __name__, url_prefix="/team")
