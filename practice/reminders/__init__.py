"""Email to partners: their link on request, reminders until the homework is done, opting out.

`bp` lives in its own module so homework's assign form can import this feature's form
fields without loading the views (create_app imports them, see ROUTE_MODULES)."""

from practice.reminders.blueprint import bp

__all__ = ["bp"]
