"""Housekeeping (日常清理): rows whose purpose has passed, removed once a day so that the tables do not grow forever.

- expired sessions (the sign-in pages keep them in the database);
- failed sign-in counters that no longer count and no longer lock anything;
- `Idempotency-Key` records older than `IDEMPOTENCY_KEEP_DAYS`: a retry with the same key after that acts again.

Nothing of an application's record is ever removed here: its events, notices and figures are kept for good.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q

from apps.accounts.models import SignInFailures

from .models import IdempotencyRecord


@dataclass
class Cleared:
    sessions: int
    sign_in_failures: int
    idempotency_records: int

    def as_dict(self) -> dict:
        return asdict(self)


def clear_expired(*, now: datetime) -> Cleared:
    window = timedelta(minutes=settings.SIGN_IN_LOCK_MINUTES)
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    # A counter matters while its run of failures is within the window or while it locks.
    failures, _ = (SignInFailures.objects.filter(first_failure_at__lt=now - window)
                   .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now)).delete())
    records, _ = IdempotencyRecord.objects.filter(
        created_at__lt=now - timedelta(days=settings.IDEMPOTENCY_KEEP_DAYS)).delete()
    return Cleared(sessions=sessions, sign_in_failures=failures, idempotency_records=records)
