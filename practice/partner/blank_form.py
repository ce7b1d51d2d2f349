"""The blank entry form of a partner's homework page, rendered once and reused.

The blank exercise form is the bulk of a client page and depends only on the assignment's
snapshot (and the partner's role and the review flag, which change the form around the same
prompts), so it is rendered once and reused: an LRU per app, keyed by the assignment and a
hash of what the form shows (an edited snapshot gets a fresh render). Only blank forms are
cached; a re-render after a POST shows what was typed and errors, so it always renders in
full. Nothing of the partner (name, note, link, submission key) is given to the cached
render: the per-request submission key goes into a slot no escaped text can contain.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import OrderedDict

from flask import current_app, render_template

from practice.partner.forms import EntryForm

FORM_CACHE_SIZE = 512
_KEY_SLOT = f"submission-key-slot-{secrets.token_hex(16)}"
_form_cache_lock = threading.Lock()

# What the cached form is rendered with, beside the prompts: none of it is the partner's.
_PLACEMENT_CONTEXT = ("role", "role_labels", "feeling_words_list", "review_asked")


def blank_form_parts(assignment_id: int, context: dict) -> tuple[str, str]:
    """The blank entry form for this assignment, from the cache when rendered before, split
    around the submission key's slot: the page puts the key between the two halves, where
    Jinja escapes it like any other value."""
    snapshot = context["snapshot"]
    # The role and the review flag change the form around the same prompts: part of the key.
    digest = hashlib.sha256(
        json.dumps(
            [snapshot.to_json(), context.get("role"), context.get("review_asked")],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()
    key = (assignment_id, digest)
    cache: OrderedDict = current_app.extensions.setdefault("client_form_cache", OrderedDict())
    with _form_cache_lock:
        html = cache.get(key)
        if html is not None:
            cache.move_to_end(key)
    if html is None:
        form = EntryForm.blank(snapshot.prompts)
        form.submission_key = _KEY_SLOT
        before, _, after = render_template(
            "partner/_client_form.html",
            form=form,
            snapshot=snapshot,
            i_parts=context["i_parts"],
            visibilities=context["visibilities"],
            **{name: context[name] for name in _PLACEMENT_CONTEXT},
        ).partition(_KEY_SLOT)
        html = (before, after)
        with _form_cache_lock:
            cache[key] = html
            while len(cache) > FORM_CACHE_SIZE:
                cache.popitem(last=False)
    return html
