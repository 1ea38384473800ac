"""add_workdays against the day-by-day loop over chinesecalendar, on the same random pairs.

    .venv/bin/python bench/workdays_bench.py

Runs on its own SQLite file under var/ (migrated on each run, which seeds the
calendar), so it needs no server and leaves the project's database alone. Asserts
that both give the same date for every pair, then prints calls per second.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "govservice.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'workdays_bench.sqlite3'}"

import chinese_calendar  # noqa: E402
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from apps.workdays.calendar import add_workdays, reload_calendar  # noqa: E402

PAIRS = 5000
FIRST_START = date(2004, 1, 1)
LAST_START = date(2026, 11, 15)  # + 30 working days stays inside chinesecalendar's 2026


def loop_add_workdays(start: date, n: int) -> date:
    """The straightforward way: step one day at a time, asking chinesecalendar each time."""
    day = start
    while n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def calls_per_second(function, pairs, rounds=1) -> tuple[float, list[date]]:
    began = time.perf_counter()
    for _round in range(rounds):
        results = [function(start, n) for start, n in pairs]
    return rounds * len(pairs) / (time.perf_counter() - began), results


def main():
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    reload_calendar()
    load_ms = (time.perf_counter() - began) * 1000

    rng = random.Random(20260101)
    span = (LAST_START - FIRST_START).days
    pairs = [(FIRST_START + timedelta(days=rng.randrange(span + 1)), rng.randint(1, 30)) for _ in range(PAIRS)]

    loop_rate, expected = calls_per_second(loop_add_workdays, pairs)
    fast_rate, actual = calls_per_second(add_workdays, pairs, rounds=20)
    mismatches = [(pair, a, e) for pair, a, e in zip(pairs, actual, expected, strict=True) if a != e]
    assert not mismatches, f"{len(mismatches)} pairs differ, first: {mismatches[0]}"

    print(f"add_workdays(start, n), {PAIRS} random pairs, start {FIRST_START}..{LAST_START}, n 1..30")
    print(f"  calendar load (one per process): {load_ms:8.1f} ms")
    print(f"  day-by-day chinese_calendar loop: {loop_rate:12,.0f} calls/s")
    print(f"  apps.workdays add_workdays:       {fast_rate:12,.0f} calls/s")
    print(f"  ratio:                            {fast_rate / loop_rate:12,.0f} x")
    print(f"  identical results for all {PAIRS} pairs")


if __name__ == "__main__":
    main()
