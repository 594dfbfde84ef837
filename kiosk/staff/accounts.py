"""Staff accounts: adding and removing them, their passwords, and checking a login under rate limits."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from kiosk.clinics.service import default_clinic
from kiosk.core import throttle
from kiosk.core.models import Clinic, Permission, Staff, StaffPermission

NAME_PATTERN = re.compile(r"[\w.\-]+(?: [\w.\-]+)*")
NAME_MAX = 64
PASSWORD_MIN = 10
# A longer "password" is never right, and hashing megabytes on every guess would be a way to tie up the server.
PASSWORD_MAX = 1024


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why, in plain words."""


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login attempt: the account, or how long this attempt's source must wait."""

    staff: Staff | None
    locked_for: timedelta | None = None


def normalise_name(name: str) -> str:
    """Return the account name as stored: NFC, trimmed, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def check_name(name: str) -> str:
    """Return the normalised name, or raise AccountError if it cannot name an account."""
    clean = normalise_name(name)
    if not clean or len(clean) > NAME_MAX or not NAME_PATTERN.fullmatch(clean):
        raise AccountError(f"A staff name is 1 to {NAME_MAX} letters, digits, dots, dashes, underscores or spaces.")
    return clean


def check_password(password: str) -> None:
    """Raise AccountError unless password is long enough to keep."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"The password must be at least {PASSWORD_MIN} characters long.")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"The password must be at most {PASSWORD_MAX} characters long.")


def check_permissions(permissions: Iterable[str], allow_none: bool = False) -> set[Permission]:
    """Return the permissions as Permission values, or raise AccountError naming an unknown one."""
    chosen = set()
    for permission in permissions:
        try:
            chosen.add(Permission(permission))
        except ValueError:
            known = ", ".join(sorted(Permission))
            raise AccountError(f"Unknown permission {permission!r}; choose from {known}.") from None
    if not chosen and not allow_none:
        raise AccountError("An account needs at least one permission.")
    return chosen


def find(session: Session, name: str) -> Staff | None:
    """Return the account with this name, if any."""
    return session.scalar(sa.select(Staff).where(Staff.name == normalise_name(name)))


def _existing(session: Session, name: str) -> Staff:
    """Return the account with this name, or raise AccountError."""
    staff = find(session, name)
    if staff is None:
        raise AccountError(f"There is no staff account called {normalise_name(name)!r}.")
    return staff


def _grants(permissions: set[Permission], clinic: Clinic) -> list[StaffPermission]:
    """Return the grants of these permissions at one clinic."""
    return [StaffPermission(permission=str(permission), clinic_id=clinic.id) for permission in sorted(permissions)]


def add(session: Session, name: str, password: str, permissions: Iterable[str], clinic: Clinic | None = None) -> Staff:
    """Create an account holding permissions at one clinic (the default clinic unless given) and commit it."""
    clean = check_name(name)
    check_password(password)
    chosen = check_permissions(permissions)
    if find(session, clean) is not None:
        raise AccountError(f"There is already a staff account called {clean!r}.")
    staff = Staff(name=clean, password_hash=generate_password_hash(password))
    staff.grants = _grants(chosen, clinic or default_clinic(session))
    session.add(staff)
    try:
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise AccountError(f"There is already a staff account called {clean!r}.") from None
    return staff


def set_password(session: Session, name: str, password: str) -> Staff:
    """Change an account's password, forget the wrong guesses at it and end its sessions everywhere."""
    staff = _existing(session, name)
    check_password(password)
    staff.password_hash = generate_password_hash(password)
    staff.session_version += 1
    session.commit()
    clear_throttle(session, staff.name)
    return staff


def set_permissions(session: Session, name: str, permissions: Iterable[str], clinic: Clinic | None = None) -> Staff:
    """Replace an account's permissions at one clinic (the default clinic unless given); none removes it from there.

    Its roles at other clinics stay as they are; an account left with no role anywhere is refused.
    """
    staff = _existing(session, name)
    chosen = check_permissions(permissions, allow_none=True)
    where = clinic or default_clinic(session)
    elsewhere = [grant for grant in staff.grants if grant.clinic_id != where.id]
    if not chosen and not elsewhere:
        raise AccountError("An account needs at least one permission at some clinic; remove the account instead.")
    staff.grants = elsewhere + _grants(chosen, where)
    session.commit()
    return staff


def set_language(session: Session, staff_id: int, code: str | None) -> None:
    """Store the language an account's staff screens are shown in (None: follow the browser)."""
    session.execute(sa.update(Staff).where(Staff.id == staff_id).values(language=code))
    session.commit()


def roles_by_clinic(staff: Staff) -> dict[str, list[str]]:
    """Return an account's permissions by clinic name."""
    found: dict[str, list[str]] = {}
    for grant in staff.grants:
        found.setdefault(grant.clinic.name, []).append(grant.permission)
    return {clinic: sorted(permissions) for clinic, permissions in sorted(found.items())}


def remove(session: Session, name: str) -> None:
    """Delete an account; the requests it handled keep their history."""
    session.delete(_existing(session, name))
    session.commit()


def all_accounts(session: Session) -> list[Staff]:
    """Return every account, by name."""
    return list(session.scalars(sa.select(Staff).order_by(Staff.name)))


def end_sessions(session: Session, staff_id: int) -> None:
    """Make every signed session cookie of this account invalid, as logging out does."""
    session.execute(sa.update(Staff).where(Staff.id == staff_id).values(session_version=Staff.session_version + 1))
    session.commit()


@cache
def _decoy_hash() -> str:
    """Return a hash to check unknown names against, so they take as long as known ones."""
    return generate_password_hash("not a password anyone has")


@dataclass(frozen=True)
class LoginPolicy:
    """How many wrong passwords a window allows, per source address and per account name."""

    window: int
    per_address: int
    per_account: int


def _throttle_keys(name: str, address: str, device: str | None, policy: LoginPolicy) -> list[tuple[str, int]]:
    """Return the counters one attempt uses, with their limits.

    A browser that has signed in to this account before (its device cookie) gets a counter of its own,
    so a burst of guesses from elsewhere never locks the front desk out (OWASP's device cookies).
    Every other attempt counts against its address and against the name tried, whether or not an
    account has that name, so the answers never tell which names exist.
    """
    if device:
        return [(f"login:device:{throttle.digest(device)}", policy.per_account)]
    return [
        (f"login:addr:{throttle.digest(address)}", policy.per_address),
        (f"login:name:{throttle.digest(name.casefold())}", policy.per_account),
    ]


def authenticate(
    session: Session,
    name: str,
    password: str,
    *,
    address: str,
    policy: LoginPolicy,
    device: str | None = None,
    now: float | None = None,
) -> LoginResult:
    """Check a login; past the limits it answers "wait" for the rest of the window and checks nothing."""
    moment = time.time() if now is None else now
    clean = normalise_name(name[: NAME_MAX * 4])
    keys = _throttle_keys(clean, address, device, policy)
    # Counted before the password is checked, atomically, so 50 simultaneous guesses are 50 hits and
    # all but the allowed few are refused without a check.
    verdicts = [throttle.hit(session, key, limit, policy.window, moment) for key, limit in keys]
    refused = [verdict.retry_after for verdict in verdicts if not verdict.allowed]
    if refused:
        return LoginResult(None, timedelta(seconds=max(refused)))
    # Only a well-formed name reaches the database (a NUL byte would make PostgreSQL fail).
    staff = find(session, clean) if NAME_PATTERN.fullmatch(clean) and len(clean) <= NAME_MAX else None
    if staff is None or len(password) > PASSWORD_MAX:
        check_password_hash(_decoy_hash(), password[:PASSWORD_MAX])
        return LoginResult(None)
    if not check_password_hash(staff.password_hash, password):
        return LoginResult(None)
    # A right password was not a guess: take the attempt back off every counter.
    for key, _limit in keys:
        throttle.give_back(session, key, policy.window, moment)
    return LoginResult(staff)


def clear_throttle(session: Session, name: str) -> None:
    """Forget the wrong passwords counted against a name (after a new password is set)."""
    throttle.clear(session, f"login:name:{throttle.digest(normalise_name(name).casefold())}")
