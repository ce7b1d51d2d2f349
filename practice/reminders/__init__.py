"""Email to partners: their link on request, reminders until the homework is done, opting out.

The blueprint's routes are loaded when the app asks for `bp` (PEP 562), not when the package
is imported: homework's assign form inherits this feature's form fields, and importing the
views from here would import homework back while it is half-loaded."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "bp":
        from practice.reminders import cli, views  # noqa: F401  (routes and commands on bp)
        from practice.reminders.blueprint import bp

        return bp
    raise AttributeError(name)
