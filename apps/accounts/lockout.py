"""Sign-in with a lock after repeated failures, for every way in (the API token and the sign-in page).

Failures are counted per username (whoever sends them, from however many addresses) and per client address
(whichever usernames it tries). Past the limit the username or the address is locked for
`SIGN_IN_LOCK_MINUTES`: even the right password is refused until then, or until an administrator unlocks it
(admin: failed sign-ins). The counters live in the database, so they hold across web processes and do not
depend on the cache.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.net import client_address

from .models import SignInFailures

Kind = SignInFailures.Kind


@dataclass
class SignInLocked(Exception):
    """Refused without checking the password: the username or the client address is locked."""

    until: datetime

    @property
    def retry_after_seconds(self) -> int:
        return max(1, int((self.until - timezone.now()).total_seconds()) + 1)

    @property
    def message(self) -> str:
        return _("Too many failed sign-ins. Sign-in is locked until %(time)s; try again then, "
                 "or ask an administrator to unlock it.") % {
            "time": timezone.localtime(self.until).strftime("%H:%M")}


def _limits() -> dict:
    return {Kind.USERNAME: settings.SIGN_IN_LOCK_FAILURES, Kind.ADDRESS: settings.SIGN_IN_LOCK_ADDRESS_FAILURES}


def _locked_until(keys, now: datetime) -> datetime | None:
    rows = SignInFailures.objects.filter(locked_until__gt=now, kind__in=[k for k, _v in keys],
                                         value__in=[v for _k, v in keys])
    untils = [row.locked_until for row in rows if (row.kind, row.value) in keys]
    return max(untils, default=None)


def _record_failure(keys, now: datetime) -> datetime | None:
    """Count one failure against each key; the lock it set, if any."""
    window = timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)
    limits = _limits()
    locked = None
    with transaction.atomic():
        for kind, value in keys:
            row, _created = SignInFailures.objects.select_for_update().get_or_create(
                kind=kind, value=value, defaults={"first_failure_at": now, "last_failure_at": now})
            if row.first_failure_at < now - window and not (row.locked_until and row.locked_until > now):
                row.failures, row.first_failure_at = 0, now  # an old run of failures has expired
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= limits[kind]:
                row.locked_until = now + window
                locked = max(locked or row.locked_until, row.locked_until)
            row.save()
    return locked


def sign_in(request, *, username: str, password: str):
    """The user these credentials belong to, or None; raises `SignInLocked` when locked (before or by this try).

    Every sign-in (API token, sign-in page) goes through here so that all ways in share one count.
    """
    now = timezone.now()
    keys = [(Kind.USERNAME, username[:150]), (Kind.ADDRESS, client_address(request)[:150])]
    until = _locked_until(keys, now)
    if until:
        raise SignInLocked(until)
    user = authenticate(request, username=username, password=password)
    if user is not None and user.is_active:
        SignInFailures.objects.filter(kind=Kind.USERNAME, value=username[:150]).delete()
        return user
    until = _record_failure(keys, now)
    if until:
        raise SignInLocked(until)
    return None
