"""办件编号: tracking numbers PREFIX-YYYYMMDD-NNNNNN, unique without a row that every submission locks.

On PostgreSQL the serial is the next value of one database sequence: a sequence is never rolled back
and never waits for another transaction, so any number of submissions (two in the same millisecond
included) get distinct numbers at once. The date in front is for the reader; the serial alone is unique.
On SQLite, where every write transaction holds the whole database anyway, the serial is the day's
counter row of the prefix.
"""

from datetime import date, datetime

from django.db import connection

from apps.workdays.days import local_date

from .models import TrackingCounter

SEQUENCE = "applications_tracking_serial_seq"


def format_tracking_number(prefix: str, day: date, serial: int) -> str:
    return f"{prefix}-{day:%Y%m%d}-{serial:06d}"


def sequence_serial() -> int | None:
    """The next value of the database sequence, where the database has one (PostgreSQL); else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        return cursor.fetchone()[0]


def next_tracking_number(prefix: str, now: datetime) -> str:
    day = local_date(now)
    serial = sequence_serial()
    if serial is None:
        counter, _created = TrackingCounter.objects.select_for_update().get_or_create(prefix=prefix, day=day)
        counter.last += 1
        counter.save(update_fields=["last"])
        serial = counter.last
    return format_tracking_number(prefix, day, serial)
