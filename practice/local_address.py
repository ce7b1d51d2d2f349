"""Where `python app.py` listens, and whether the links a page shows can leave this computer.

`python app.py` is for trying the app on one machine: it listens on the loopback address
unless `HOST` says otherwise, so a fresh install is never open to the network by accident.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5000
# "Every interface": compared against, never bound to by us (the counselor sets HOST).
ALL_INTERFACES = ("0.0.0.0", "::")  # noqa: S104  # nosec B104


def is_loopback(hostname: str | None) -> bool:
    """Whether an address (a name or an IP) only ever reaches this same computer."""
    name = (hostname or "").strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_is_loopback(url: str) -> bool:
    """Whether a link such as `http://127.0.0.1:5000/h/…` opens only on this computer."""
    return is_loopback(urlsplit(url).hostname)


def listen_address(environ: dict[str, str]) -> tuple[str, int]:
    """(host, port) for `python app.py` from HOST and PORT, refusing values that cannot work."""
    host = environ.get("HOST", "").strip() or DEFAULT_HOST
    raw_port = environ.get("PORT", "").strip() or str(DEFAULT_PORT)
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise SystemExit(f"PORT must be a number from 1 to 65535, not {raw_port!r}.")
    return host, int(raw_port)


def network_address() -> str | None:
    """This computer's address on the local network (the one its default route uses), or None.
    A UDP "connect" sends nothing; it only asks the kernel which interface it would use."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere real
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if is_loopback(address) or address in ALL_INTERFACES else address


def addresses_to_open(host: str, port: int) -> list[str]:
    """The addresses to print on start: where a browser on this computer, and (when listening
    beyond loopback) a phone on the same network, can open the app."""
    if host in ALL_INTERFACES:
        lan = network_address()
        return [f"http://127.0.0.1:{port}/"] + ([f"http://{lan}:{port}/"] if lan else [])
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]
