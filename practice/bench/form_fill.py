"""The form a POST page sends, read from the page and filled the way a partner would."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser

from flask.testing import FlaskClient

from practice.bench.pages import PAGES_BY_KEY, Context, Page


class _FormReader(HTMLParser):
    """The fields of the first POST form on a page, filled the way a partner would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_form = False
        self.done = False
        self.fields: dict[str, str] = {}
        self.checked_radios: set[str] = set()
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if self.done:
            return
        if tag == "form" and a.get("method", "").lower() == "post":
            self.in_form = True
        if not self.in_form:
            return
        if tag == "option":
            if self.select and self.select not in self.fields and a.get("value"):
                self.fields[self.select] = a["value"]
            return
        if not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("hidden",):
                self.fields[name] = a.get("value", "")
            elif kind == "radio":
                # The middle option of a scale, the first of anything else.
                if name not in self.checked_radios or a.get("value") == "3":
                    self.fields[name] = a.get("value", "")
                    self.checked_radios.add(name)
            elif kind == "checkbox":
                self.fields[name] = a.get("value") or "y"
            elif kind == "number":
                self.fields[name] = a.get("min") or "3"
            elif kind not in ("submit", "button", "reset", "file", "image"):
                self.fields[name] = "Fine, we did it twice this week — José & Zoë 🙂"
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = (
                "We talked after dinner without our phones. I noticed I wanted to fix things, "
                "so I asked a question instead. Ça va mieux."
            )
        elif tag == "select":
            self.select = name
        # Named buttons are left out: here they mean "add another item", not "send".

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
            self.done = True
        elif tag == "select":
            self.select = None


def page_form(client: FlaskClient, page: Page, ctx: Context) -> dict[str, str]:
    """The form a POST page sends, read from the page a partner fills it on."""
    return link_form(client, ctx, page.form_path(ctx) if page.form_path else None)


def link_form(client: FlaskClient, ctx: Context, path: str | None = None) -> dict[str, str]:
    """The client homework form (or the form at `path`) as a partner would submit it."""
    response = client.get(path or PAGES_BY_KEY["link_get"].url(ctx))
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    if not reader.fields:
        raise RuntimeError(f"no form on the client link page (HTTP {response.status_code})")
    return reader.fields


def with_fresh_key(form: dict[str, str]) -> dict[str, str]:
    """Each POST gets a new submission key, like a freshly rendered form."""
    fresh = dict(form)
    for name in fresh:
        if "submission" in name.lower():
            fresh[name] = uuid.uuid4().hex
    return fresh
