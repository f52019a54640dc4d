"""What the local stack exposes: DynamoDB Local only on loopback, its state file (which holds the
Twilio auth token) to its owner only. Nothing here sends traffic beyond this machine."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import stat
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from commcenter_local.stack import STATE_FILE, LocalStack, StackOptions

SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address


def own_addresses() -> list[tuple[int, str]]:
    """This machine's own addresses but loopback (read from its interfaces, no packet sent)."""
    found: list[tuple[int, str]] = []
    for _, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                raw = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:
                continue  # no IPv4 address on it
        address = socket.inet_ntoa(raw[20:24])
        if not address.startswith("127."):
            found.append((socket.AF_INET, address))
    with contextlib.suppress(OSError), open("/proc/net/if_inet6") as table:
        for line in table:
            hex_address, _, _, scope, _, name = line.split()
            if name != "lo" and scope == "00":  # global scope: no interface needed to reach it
                found.append((socket.AF_INET6, socket.inet_ntop(socket.AF_INET6, bytes.fromhex(hex_address))))
    return found


def reachable(family: int, address: str, port: int) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        try:
            client.connect((address, port))
        except OSError:
            return False
        return True


def test_dynamodb_local_listens_on_loopback_only(local_stack: LocalStack) -> None:
    port = urlsplit(local_stack.dynamodb_endpoint).port
    assert port is not None
    assert reachable(socket.AF_INET, "127.0.0.1", port)
    addresses = own_addresses()
    if not addresses:
        pytest.skip("this machine has no address but loopback")
    for family, address in addresses:
        assert not reachable(family, address, port), f"DynamoDB Local answers on {address}:{port}"


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_the_state_file_is_readable_by_its_owner_only(tmp_path: Path, loose_umask: None) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / STATE_FILE
    path.write_text("{}")
    path.chmod(0o644)  # an older stack's copy, world-readable
    stack = LocalStack(StackOptions(port=0, data_dir=data_dir, twilio_auth_token="a-real-twilio-token"))
    stack._write_state()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["environment"]["TWILIO_AUTH_TOKEN"] == "a-real-twilio-token"
    assert sorted(p.name for p in data_dir.iterdir()) == [STATE_FILE]  # no scratch file left behind
