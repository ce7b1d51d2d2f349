"""Email to partners: their link on request, reminders until the homework is done, opting out.

The routes and commands live in views.py and cli.py; create_app imports them (ROUTE_MODULES).
"""

from practice.reminders.blueprint import bp

__all__ = ["bp"]
