"""Which kiosk a request comes from: a screen's key, its configured address, or the server's own loopback.

A key is given once in the kiosk browser's start address (/kiosk/start?key=...) and then kept in a
long-lived cookie, so several screens behind one proxy, which all share its address, are still told
apart by name. Only known kiosks may send requests to the front desk (kiosk.talk limits how many).
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kiosk.core.models import Kiosk
from kiosk.staff.accounts import NAME_MAX, NAME_PATTERN, normalise_name

KEY_MAX = 128


class KioskError(ValueError):
    """A change to the kiosk list that cannot be made; the message says why."""


@dataclass(frozen=True)
class KnownKiosk:
    """A kiosk allowed to call staff: its name on the dashboard, and how it was recognised."""

    name: str
    how: str  # "key", "address" or "loopback"


@dataclass(frozen=True)
class Identity:
    """The kiosk a request comes from, or why it is not one."""

    kiosk: KnownKiosk | None
    refusal: str = ""


def hash_key(key: str) -> str:
    """Return the stored form of a key."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def add(session: Session, name: str) -> tuple[Kiosk, str]:
    """Add a kiosk and return it with its new key, which is shown this once and never stored."""
    clean = normalise_name(name)
    if not clean or len(clean) > NAME_MAX or not NAME_PATTERN.fullmatch(clean):
        raise KioskError(f"A kiosk name is 1 to {NAME_MAX} letters, digits, dots, dashes, underscores or spaces.")
    if session.scalar(sa.select(Kiosk).where(Kiosk.name == clean)) is not None:
        raise KioskError(f"There is already a kiosk called {clean!r}.")
    key = secrets.token_urlsafe(24)
    kiosk = Kiosk(name=clean, key_hash=hash_key(key))
    session.add(kiosk)
    session.commit()
    return kiosk, key


def remove(session: Session, name: str) -> None:
    """Remove a kiosk: its key stops working at once."""
    kiosk = session.scalar(sa.select(Kiosk).where(Kiosk.name == normalise_name(name)))
    if kiosk is None:
        raise KioskError(f"There is no kiosk called {normalise_name(name)!r}.")
    session.delete(kiosk)
    session.commit()


def all_kiosks(session: Session) -> list[Kiosk]:
    """Return every kiosk with a key, by name."""
    return list(session.scalars(sa.select(Kiosk).order_by(Kiosk.name)))


def by_key(session: Session, key: str | None) -> Kiosk | None:
    """Return the kiosk holding this key, if any."""
    if not key or len(key) > KEY_MAX:
        return None
    return session.scalar(sa.select(Kiosk).where(Kiosk.key_hash == hash_key(key)))


def _is_loopback(address: str) -> bool:
    """Tell whether an address is this machine's own."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def identify(
    session: Session,
    *,
    key: str | None,
    address: str,
    names: dict[str, str],
    loopback_name: str | None,
    via_untrusted_proxy: bool,
) -> Identity:
    """Find the kiosk a request comes from: by key first, then by address; say why when it is none.

    loopback_name is the name of the kiosk on the server's own screen, or None when loopback is not
    trusted. A request that came through a proxy not listed in TRUSTED_PROXIES shows the proxy's
    address, often loopback, so loopback does not count for it.
    """
    if key:
        kiosk = by_key(session, key)
        if kiosk is not None:
            return Identity(KnownKiosk(kiosk.name, "key"))
    if address in names:
        return Identity(KnownKiosk(str(names[address]), "address"))
    if _is_loopback(address) and loopback_name and not via_untrusted_proxy:
        return Identity(KnownKiosk(loopback_name, "loopback"))
    if key:
        reason = "its kiosk key is not known (removed, or mistyped in the browser's start address)"
    elif via_untrusted_proxy:
        reason = "it came through a proxy that TRUSTED_PROXIES does not list"
    elif _is_loopback(address):
        reason = "KIOSK_LOOPBACK is off and it has no kiosk key"
    else:
        reason = "it has no kiosk key and its address is not in KIOSK_NAMES"
    return Identity(None, reason)
