"""How long a workbench page takes to render on the demo data, per role.

    .venv/bin/python bench/workbench_bench.py

Runs on its own SQLite file under var/ (migrated and seeded with the demo district on
each run), so it needs no server and leaves the project's database alone. Each page is
requested once to warm up, then 30 times through Django's test client (middleware,
session, queries and templates); prints the median and the slowest, and fails if a
median reaches 200 ms.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "govservice.settings"
DB = ROOT / "var" / "workbench_bench.sqlite3"
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from apps.applications.models import Application, Status  # noqa: E402

LIMIT_MS = 200
RUNS = 30


def main() -> int:
    DB.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    accepted = Application.objects.filter(status=Status.ACCEPTED).first()
    pages = [("clerk", "/counter/"), ("clerk", "/counter/intake/?item=000104002000"),
             ("clerk", f"/counter/applications/{accepted.pk}/"), ("approver", "/counter/"),
             ("approver", f"/counter/applications/{accepted.pk}/"), ("manager", "/counter/")]
    slow = []
    for username, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        assert client.get(url).status_code == 200, url
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        print(f"{username:9} {url:45} median {median:6.1f} ms   slowest {max(times):6.1f} ms")
        if median >= LIMIT_MS:
            slow.append(url)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
