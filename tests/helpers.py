"""What tests share besides fixtures: moments in Asia/Shanghai, the smallest valid files, and acting through the
API as a person would, in one line per step."""

from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection

from apps.applications import audit

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Smallest valid files of each accepted type.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

APPLY = "/api/v1/applications/"


def at(*args) -> datetime:
    """A moment in Asia/Shanghai."""
    return datetime(*args, tzinfo=SHANGHAI)


def url(application_id, action=""):
    return f"{APPLY}{application_id}/{action + '/' if action else ''}"


def apply_online(client, item, delivery="electronic", **extra):
    response = client.post(APPLY, {"service_item": item.code, "channel": "online", "delivery_method": delivery,
                                   **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def window_applicant(account) -> dict:
    """What a clerk types in at the window for the person or enterprise holding `account` (or any object with
    the same fields: a walk-in without an account)."""
    if getattr(account, "credit_code", ""):
        return {"name": account.name, "credit_code": account.credit_code, "agent_name": account.agent_name,
                "agent_id_number": account.agent_id_number, "phone": account.phone}
    return {"name": account.name, "id_number": account.id_number, "phone": account.phone}


def apply_at_window(client, item, applicant, delivery="window", **extra):
    response = client.post(APPLY, {"service_item": item.code, "channel": "window", "delivery_method": delivery,
                                   "applicant": window_applicant(applicant), **extra}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def post(client, application_id, action, body=None, **headers):
    return client.post(url(application_id, action), body or {}, format="json", headers=headers)


def active_step(detail):
    return next(step for step in detail["steps"] if step["status"] == "active")


def hand_in_at_window(client, application_id):
    """The applicant hands every material of the item in at the window; the clerk (`client`) records it."""
    detail = client.get(url(application_id)).json()
    items = [{"material": m["material"], "original": True, "copies": 1} for m in detail["missing_materials"]]
    if items:
        response = client.post(url(application_id, "materials/received"), {"items": items}, format="json")
        assert response.status_code == 200, response.json()


@contextmanager
def triggers_switched_off():
    """What the database's owner (and only they) can do to get past the append-only triggers."""
    def alter(state):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
                for table in audit.APPEND_ONLY_TABLES:
                    cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {table}_append_only")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    alter("DISABLE")
    yield
    alter("ENABLE")
