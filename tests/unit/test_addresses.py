"""The address guard, on addresses and fake resolvers only: no connection is ever made."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from bot.ingest.addresses import (
    AddressPolicy,
    RefusedAddress,
    checked_addresses,
    is_public,
    parse_networks,
)
from bot.ingest.fetch import GuardedBackend

REFUSED = [
    # IPv4: loopback, private, shared (CGNAT), link-local (cloud metadata), multicast,
    # reserved, broadcast, unspecified, "this network", documentation and benchmarking.
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "0.0.0.0",
    "0.1.2.3",
    "192.0.0.8",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "198.18.0.1",
    # IPv6: loopback, unspecified, link-local, unique local, site-local, multicast,
    # documentation, and IPv4 addresses inside IPv6 (mapped, NAT64, 6to4, compatible).
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",
    "ff02::1",
    "ff0e::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::7f00:1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::1",
    "2002:c0a8:101::1",
    "::127.0.0.1",
    "2001::1",  # Teredo
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450::1"]


@pytest.mark.parametrize("address", REFUSED)
def test_internal_addresses_are_not_public(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not is_public(ip)
    assert not AddressPolicy().allows(ip)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert AddressPolicy().allows(ipaddress.ip_address(address))


def test_allow_private_opens_the_intranet_but_never_multicast_or_unspecified() -> None:
    policy = AddressPolicy(allow_private=True)
    for address in ["127.0.0.1", "10.1.2.3", "192.168.0.5", "::1", "fd00::5", "169.254.1.1"]:
        assert policy.allows(ipaddress.ip_address(address)), address
    for address in ["0.0.0.0", "::", "224.0.0.1", "ff02::1", "255.255.255.255", "::ffff:0.0.0.0"]:
        assert not policy.allows(ipaddress.ip_address(address)), address


def test_allowed_networks_open_only_themselves() -> None:
    policy = AddressPolicy(allowed_networks=parse_networks("10.1.0.0/16, 192.168.5.7"))
    assert policy.allows(ipaddress.ip_address("10.1.200.3"))
    assert policy.allows(ipaddress.ip_address("192.168.5.7"))
    assert not policy.allows(ipaddress.ip_address("10.2.0.1"))
    assert not policy.allows(ipaddress.ip_address("192.168.5.8"))
    with pytest.raises(ValueError, match="not an address or network: 'intranet'"):
        parse_networks("10.0.0.0/8,intranet")


def _resolver(answers: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        return answers[host]

    return resolve


@pytest.mark.parametrize(
    ("host", "answer"),
    [
        ("internal.example", ["10.0.0.7"]),
        ("metadata.example", ["169.254.169.254"]),
        # One public and one internal answer: the name is refused whole.
        ("mixed.example", ["93.184.215.14", "127.0.0.1"]),
        ("v6.example", ["2606:4700:4700::1111", "::ffff:192.168.0.1"]),
        ("scoped.example", ["fe80::1%eth0"]),
        ("junk.example", ["not-an-address"]),
    ],
)
def test_a_name_is_checked_on_every_address_it_resolves_to(host: str, answer: list[str]) -> None:
    with pytest.raises(RefusedAddress):
        checked_addresses(host, 80, AddressPolicy(), _resolver({host: answer}))


def test_a_public_name_gives_the_addresses_that_were_checked() -> None:
    answer = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    resolved = checked_addresses(
        "news.example", 443, AddressPolicy(), _resolver({"news.example": answer})
    )
    assert list(resolved) == answer


def test_the_backend_refuses_before_opening_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []

    def no_connection(*args: object, **kwargs: object) -> None:
        opened.append(args)
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    backend = GuardedBackend(AddressPolicy(), _resolver({"intranet.example": ["10.9.8.7"]}))
    with pytest.raises(RefusedAddress, match=r"intranet\.example \(10\.9\.8\.7\)"):
        backend.connect_tcp("intranet.example", 80, timeout=1)
    with pytest.raises(RefusedAddress):
        backend.connect_unix_socket("/var/run/docker.sock")
    assert opened == []


def test_the_backend_connects_to_the_checked_address_not_a_second_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name is resolved once; the socket gets the address checked."""
    lookups: list[str] = []
    connected: list[tuple[str, int]] = []

    def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["93.184.215.14"] if len(lookups) == 1 else ["127.0.0.1"]

    def record(address: tuple[str, int], *args: object, **kwargs: object) -> None:
        connected.append(address)
        raise OSError("no network in unit tests")

    monkeypatch.setattr(socket, "create_connection", record)
    backend = GuardedBackend(AddressPolicy(), rebinding)
    with pytest.raises(Exception, match="no network"):
        backend.connect_tcp("rebind.example", 80, timeout=1)
    assert lookups == ["rebind.example"]
    assert connected == [("93.184.215.14", 80)]
