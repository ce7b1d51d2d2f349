"""Finding 4: 500s any signed-in counselor could cause with route and query parameters, and
an error log that quoted what was typed. (test_boundaries.py walks every route; these are
the probe's own cases, with what a person sees.)"""

from __future__ import annotations

import logging

import pytest
from flask import request

from practice.extensions import db
from tests.factories import make_couple


@pytest.fixture
def couple_id(app, counselor):
    with app.app_context():
        couple = make_couple(db.session.merge(counselor), ("Ana Ødegård", "Ben Okafor"))
        db.session.commit()
        return couple.id


@pytest.mark.parametrize(
    "path",
    [
        "/couples/2147483648",
        "/couples/9223372036854775808",
        "/couples/0",
        "/couples/-1",
        "/couples/%D9%A1",  # an Arabic-Indic 1
        "/couples/%EF%BC%91",  # a fullwidth 1
        "/sessions/2147483648/edit",
        "/homework/99999999999999999999",
    ],
)
def test_an_id_out_of_range_is_a_404(signed_in, couple_id, path):
    response = signed_in.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_ids_in_ascii_digits_still_open(signed_in, couple_id):
    assert signed_in.get(f"/couples/{couple_id}").status_code == 200


@pytest.mark.parametrize("page", ["2147483648", "9223372036854775808", "1" + "0" * 40, "-5", "x"])
def test_any_page_number_answers(signed_in, couple_id, page):
    response = signed_in.get(f"/couples/?page={page}&status=all")
    assert response.status_code == 200
    assert signed_in.get(f"/audit/?page={page}").status_code == 200


@pytest.mark.parametrize("until", ["9999-12-31", "0001-01-01", "10000-01-01", "2026-02-30"])
def test_any_date_in_the_audit_filters_answers(signed_in, until):
    assert signed_in.get(f"/audit/?until={until}&since={until}").status_code == 200
    assert signed_in.get(f"/audit/export.csv?until={until}").status_code == 200


@pytest.mark.parametrize("couple", ["2147483648", "#99999999999999999999", "Ana%00"])
def test_an_audit_couple_no_id_can_have_finds_nothing(signed_in, couple):
    assert signed_in.get(f"/audit/?couple={couple}").status_code == 200


@pytest.mark.parametrize("url", ["/couples/?q=Ana%00", "/library/?q=gratitude%00list"])
def test_a_nul_in_a_search_is_ignored(signed_in, couple_id, url):
    response = signed_in.get(url)
    assert response.status_code == 200


def test_a_search_still_finds_with_a_nul_typed_in_it(signed_in, couple_id):
    page = signed_in.get("/couples/?q=%C3%98de%00g").get_data(as_text=True)
    assert "Ødegård" in page


def test_an_unexpected_error_is_logged_by_class_never_with_what_was_typed(app, caplog):
    @app.get("/boom/<int:number>")
    def boom(number):
        raise ValueError(f"cannot use {request.args['q']!r} for {number}")

    boom.public = True
    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom/7?q=Ana+Silva+secret")
    assert response.status_code == 500
    logged = caplog.text
    assert "ValueError" in logged and "/boom/<int:number>" in logged
    assert "Ana Silva" not in logged and "secret" not in logged
    assert "boom" in logged  # where it happened: the code path is kept
