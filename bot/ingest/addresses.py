"""Which network addresses the bot may fetch from: the guard against server-side request forgery.

A feed entry or an ``/ingest`` link is chosen by someone else, so by default only public
(globally routable, unicast) addresses are fetched. Every address a host name resolves to is
checked, including the IPv4 address inside an IPv6 one (IPv4-mapped ``::ffff:a.b.c.d``,
NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``). Odd IPv4 spellings (``127.1``, ``0x7f000001``,
``2130706433``) need no parsing of our own: the system resolver turns them into the address
that would be connected to, and that address is what is checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> the addresses a connection to it would use, as getaddrinfo gives them.
Resolver = Callable[[str, int], list[str]]

_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_CLASS_E = ipaddress.IPv4Network("240.0.0.0/4")  # reserved, and the broadcast address
# IANA's special-purpose ranges that are not globally reachable, spelled out: the stdlib's
# is_global/is_private tables were incomplete before Python 3.11.10 (CVE-2024-4032).
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::/96", "64:ff9b:1::/48", "100::/64", "2001::/23",
        "2001:db8::/32", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10",
        "ff00::/8",
    )
)  # fmt: skip


class RefusedAddress(Exception):
    """The host resolves to an address the policy refuses; nothing was sent to it."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"refused to connect to {host} ({address}): not a public address")
        self.host = host
        self.address = address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """Globally routable unicast: not loopback, private, link-local, multicast, reserved,
    unspecified, shared (CGNAT), documentation or benchmarking space."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if (inner is not None and not is_public(inner)) or ip.is_site_local:
            return False
    if any(ip in net for net in _NOT_PUBLIC if net.version == ip.version):
        return False
    return bool(
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_unspecified
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_private
    )


def never_fetchable(ip: IPAddress) -> bool:
    """Addresses no HTTP server answers on: multicast, unspecified, class E and broadcast."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return never_fetchable(inner)
        return ip.is_multicast or ip.is_unspecified
    return ip.is_multicast or ip.is_unspecified or ip in _CLASS_E


def parse_networks(spec: str) -> tuple[IPNetwork, ...]:
    """``"10.1.0.0/16, 192.168.5.7"`` -> networks; a ValueError names a bad entry."""
    networks: list[IPNetwork] = []
    for part in spec.replace(";", ",").split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ValueError(f"not an address or network: {part.strip()!r}") from None
    return tuple(networks)


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Public addresses only, unless ``allow_private`` (an operator's intranet) or the
    address is in one of ``allowed_networks``. Multicast and unspecified never pass."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    def allows(self, ip: IPAddress) -> bool:
        if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        if never_fetchable(ip):
            return False
        if self.allow_private or any(ip in net for net in self.allowed_networks):
            return True
        return is_public(ip)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to for a TCP connection (literal addresses included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"cannot resolve {host}: {exc}") from None
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def checked_addresses(
    host: str, port: int, policy: AddressPolicy, resolver: Resolver = system_resolver
) -> Sequence[str]:
    """The addresses to connect to for ``host``: all of them pass ``policy``, or none is given.

    A name with one refused address is refused whole: a name that points both outside and
    inside the network is not one to trust.
    """
    addresses = resolver(host.strip("[]"), port)
    if not addresses:
        raise OSError(f"cannot resolve {host}: no addresses")
    for address in addresses:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            raise RefusedAddress(host, address) from None
        if not policy.allows(ip):
            raise RefusedAddress(host, address)
    return addresses
