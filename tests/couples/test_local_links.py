"""Trying the app on one computer: `python app.py` listens where HOST says, and the couple
page warns when the partner links it shows would only open on this computer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from practice.extensions import db
from practice.local_address import (
    addresses_to_open,
    is_loopback,
    listen_address,
    network_address,
)
from tests.factories import TEST_PASSWORD, make_assignment, make_couple

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("app.localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("practice.example.org", False),
        ("0.0.0.0", False),
        ("", False),
    ],
)
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_listen_address_defaults_to_loopback_and_reads_host_and_port():
    assert listen_address({}) == ("127.0.0.1", 5000)
    assert listen_address({"HOST": " 0.0.0.0 ", "PORT": "8080"}) == ("0.0.0.0", 8080)
    for bad in ("eighty", "0", "70000", "-1"):
        with pytest.raises(SystemExit, match="PORT must be a number"):
            listen_address({"PORT": bad})


def test_every_interface_prints_the_network_address_too():
    lan = network_address()
    expected = ["http://127.0.0.1:5000/"] + ([f"http://{lan}:5000/"] if lan else [])
    assert addresses_to_open("0.0.0.0", 5000) == expected
    assert addresses_to_open("192.168.1.20", 5001) == ["http://192.168.1.20:5001/"]
    assert addresses_to_open("::1", 5002) == ["http://[::1]:5002/"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(tmp_path, **env) -> tuple[subprocess.Popen, list[str]]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("HOST", "PORT", "DATABASE_URL", "BASE_URL")
    }
    environment.update(INSTANCE_PATH=str(tmp_path / "instance"), PYTHONUNBUFFERED="1", **env)
    process = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=environment,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if "First time?" in line:
            return process, lines
    _stop(process)
    raise AssertionError("python app.py did not start:\n" + "\n".join(lines))


def _answers(url: str) -> bool:
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
                return response.status == 200
        except OSError:
            time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


def test_python_app_py_listens_on_loopback_by_default(tmp_path):
    port = _free_port()
    process, lines = _start(tmp_path, PORT=str(port))
    try:
        output = "\n".join(lines)
        assert f"is running at http://127.0.0.1:{port}/" in output
        assert "Only this computer can open it" in output and "HOST=0.0.0.0" in output
        assert _answers(f"http://127.0.0.1:{port}/healthz")
        lan = network_address()
        if lan:  # the same port on the network address is closed
            with pytest.raises(OSError):
                socket.create_connection((lan, port), timeout=2).close()
    finally:
        _stop(process)


def test_python_app_py_with_host_answers_on_the_network_address(tmp_path):
    lan = network_address()
    if lan is None:
        pytest.skip("this machine has no network address besides loopback")
    port = _free_port()
    process, lines = _start(tmp_path, PORT=str(port), HOST="0.0.0.0")
    try:
        output = "\n".join(lines)
        assert f"On a phone or another computer on this network: http://{lan}:{port}/" in output
        assert "Only this computer" not in output
        assert _answers(f"http://{lan}:{port}/healthz")
    finally:
        _stop(process)


def _couple_page(app, email: str, couple_id: int, base_url: str) -> str:
    client = app.test_client()
    client.post("/login", data={"email": email, "password": TEST_PASSWORD}, base_url=base_url)
    response = client.get(f"/couples/{couple_id}", base_url=base_url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_couple_page_warns_when_links_point_at_loopback(app, counselor):
    with app.app_context():
        couple = make_couple(counselor, ("Dana Cole", "Eli Cole"))
        make_assignment(couple)
        db.session.commit()
        couple_id = couple.id
    text = _couple_page(app, "admin@example.org", couple_id, "http://127.0.0.1:5000")
    assert "These partner links only open on this computer." in text
    assert "http://127.0.0.1:5000/" in text and "HOST=0.0.0.0" in text

    from_phone = _couple_page(app, "admin@example.org", couple_id, "http://192.168.1.20:5000")
    assert "only open on this computer" not in from_phone
    assert "http://192.168.1.20:5000/h/" in from_phone


def test_couple_page_trusts_base_url_over_the_address_typed(app, counselor):
    with app.app_context():
        couple_id = make_couple(counselor).id
        db.session.commit()
    app.config["BASE_URL"] = "https://practice.example.org"
    text = _couple_page(app, "admin@example.org", couple_id, "http://127.0.0.1:5000")
    assert "only open on this computer" not in text
