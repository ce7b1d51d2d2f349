"""Our stylesheets and scripts travel gzipped; pages never are (BREACH)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "practice" / "static"


@pytest.mark.parametrize("path", ["css/app.css", "js/client.js"])
def test_static_text_is_gzipped_for_browsers_that_take_it(client, path):
    response = client.get(f"/static/{path}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    body = response.get_data()
    assert gzip.decompress(body) == (STATIC / path).read_bytes()
    assert len(body) < (STATIC / path).stat().st_size / 2
    response.close()


def test_without_gzip_in_accept_encoding_the_file_is_sent_as_is(client):
    response = client.get("/static/css/app.css")
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "css" / "app.css").read_bytes()
    response.close()


def test_pages_are_never_compressed(client, counselor):
    response = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"<form" in response.get_data()


def test_a_conditional_request_still_gets_304(client):
    first = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    first.close()
    again = client.get(
        "/static/css/app.css", headers={"Accept-Encoding": "gzip", "If-None-Match": etag}
    )
    assert again.status_code == 304
    again.close()
