"""SQL statements per page do not grow with the data (issue 7: no N+1 anywhere).

Each page is requested on a small practice and on a larger one, built by the benchmark's
own data builder in the same database, and must run exactly as many statements on both.
"""

from __future__ import annotations

import pytest
from flask import Flask

from practice.bench.data import Shape, Targets, build
from practice.bench.form_fill import page_form
from practice.bench.measure import count_statements, problem_with
from practice.bench.pages import (
    PAGES,
    PAGES_BY_KEY,
    Context,
    available,
    prepare_context,
    sign_in,
)
from tests.factories import TEST_PASSWORD
from tests.factories import test_password_hash as password_hash

# While pages are still being built, a missing one is skipped ("page not built yet").
# Set to True once every page exists: from then on a missing page fails the suite.
ALL_PAGES_BUILT = True

# More couples for lists, more homework, entries and sessions for the couple's pages,
# more earlier entries for the client link page, more homework per session for its PDF.
SMALL = Shape(
    counselors=2,
    couples_per_counselor=2,
    assignments_per_couple=4,
    entries_per_partner=1,
    sessions_per_couple=3,
)
LARGE = Shape(
    counselors=2,
    couples_per_counselor=6,
    assignments_per_couple=10,
    entries_per_partner=4,
    sessions_per_couple=5,
)


@pytest.fixture
def practices(app) -> tuple[Targets, Targets]:
    """A small and a larger practice side by side (different counselors) in one database."""
    with app.app_context():
        small = build(SMALL, password_hash=password_hash(), seed=1)
        large = build(LARGE, password_hash=password_hash(), seed=2)
    return small.targets, large.targets


def statements(app: Flask, key: str, targets: Targets) -> int:
    """Statements one request of the page runs, after a first request (warm-up) of the same."""
    page = PAGES_BY_KEY[key]
    with app.app_context():
        ctx = prepare_context(targets)
        client = app.test_client()
        sign_in(client, targets.counselor_email, TEST_PASSWORD)
        form = page_form(client, page, ctx) if page.method == "POST" else None
        for _ in range(2):
            count, response = count_statements(client, page, ctx, form)
            assert problem_with(page, response) is None, (key, response.status_code)
    return count


@pytest.mark.parametrize("key", [page.key for page in PAGES])
def test_statements_per_page_do_not_grow_with_the_data(app, practices, key):
    small, large = practices
    page = PAGES_BY_KEY[key]
    if not available(app, page, Context(small, "x" * 43)):
        if ALL_PAGES_BUILT:
            pytest.fail(
                f"{page.label}: {page.method} {page.url(Context(small, '<token>'))} "
                "is not in the app"
            )
        pytest.skip("page not built yet")
    on_small = statements(app, key, small)
    on_large = statements(app, key, large)
    assert on_small == on_large, (
        f"{page.label}: {on_small} SQL statements with {SMALL}, {on_large} with {LARGE}: "
        "something is loaded per row (N+1)"
    )
