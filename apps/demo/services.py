"""Loading the demo district. Idempotent: what exists is left as it is."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.accounts.identity import id_number_check_char, uscc_check_char
from apps.accounts.models import Role
from apps.analytics.rollup import refresh_rollup
from apps.applications.models import Application
from apps.applications.services import (
    accept_application,
    approve_step,
    deliver_application,
    record_received_materials,
    request_correction,
    submit_application,
)
from apps.catalog.models import BaselineStep, Department, Hall, Material, ServiceItem, StepTemplate, Window
from apps.catalog.services import publish_item

from . import data
from .history import generate_history

User = get_user_model()
CITIZEN_ID_17 = "44030919900307123"
# Past applications generated on the first load: enough for every chart to say something.
HISTORY_SIZE = 3000
DEMO_ITEMS = ["000104002000", "000148001000", "000104010000", "000166010000", "000201001000"]


def _load_departments() -> dict[str, Department]:
    departments = {}
    for code, name, phone in data.DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name, "phone": phone})
    return departments


def _load_item(spec: dict, departments: dict[str, Department]) -> bool:
    if ServiceItem.objects.filter(code=spec["code"]).exists():
        return False
    fields = {k: v for k, v in spec.items()
              if k not in {"code", "department", "materials", "steps", "baseline_steps"}}
    item = ServiceItem.objects.create(code=spec["code"], department=departments[spec["department"]], **fields)
    Material.objects.bulk_create(
        Material(item=item, order=i, name=name, original=original, copies=copies, required=required)
        for i, (name, original, copies, required) in enumerate(spec["materials"], start=1))
    StepTemplate.objects.bulk_create(
        StepTemplate(item=item, order=i, name=name, allotted_days=days,
                     department=departments[dept] if dept else None)
        for i, (name, days, dept) in enumerate(spec["steps"], start=1))
    BaselineStep.objects.bulk_create(
        BaselineStep(item=item, order=i, name=name, allotted_days=days)
        for i, (name, days) in enumerate(spec["baseline_steps"], start=1))
    publish_item(item=item)
    return True


def _load_halls() -> dict[tuple[str, str], Window]:
    windows = {}
    for code, name, level, parent, address, hours, hall_windows in data.HALLS:
        hall, _ = Hall.objects.get_or_create(code=code, defaults={
            "name": name, "level": level, "address": address, "opening_hours": hours,
            "parent": Hall.objects.get(code=parent) if parent else None})
        for number, window_name, kind, item_codes in hall_windows:
            window, created = Window.objects.get_or_create(hall=hall, number=number,
                                                           defaults={"name": window_name, "kind": kind})
            if created and item_codes:
                window.items.set(ServiceItem.objects.filter(code__in=item_codes))
            windows[(code, number)] = window
    return windows


def _load_users(departments, windows) -> list[str]:
    created = []
    for username, role, name, dept, hall, window in data.USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username, role=role, name=name, department=departments.get(dept),
                    window=windows.get((hall, window)) if hall else None,
                    hall=Hall.objects.get(code=hall) if hall else None,
                    is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
        if username in data.ENTERPRISES:
            code17, agent, agent_id17 = data.ENTERPRISES[username]
            user.credit_code, user.agent_name = code17 + uscc_check_char(code17), agent
            user.agent_id_number = agent_id17 + id_number_check_char(agent_id17)
            user.phone = "13800138001"
        elif role == Role.CITIZEN:
            user.id_number = CITIZEN_ID_17 + id_number_check_char(CITIZEN_ID_17)
            user.phone = "13800138000"
        user.set_password(data.DEMO_PASSWORD)
        user.save()
        created.append(username)
    return created


def seed_demo(*, history: int = HISTORY_SIZE) -> dict[str, int | list[str]]:
    """Load everything that is missing; return what was created. `history`: how many past applications to
    generate when there are no applications yet."""
    with transaction.atomic():
        departments = _load_departments()
        items = sum(_load_item(spec, departments) for spec in data.ITEMS)
        windows = _load_halls()
        users = _load_users(departments, windows)
        applications = _demo_applications(timezone.now(), history)
    refresh_rollup(now=timezone.now())  # the managers' figures read the demo's past from the daily rollup
    return {"items": items, "users": users, "applications": applications}


def _demo_applications(now, history: int) -> int:
    """A past of `history` applications, and a few live ones in every stage, one of them already overdue so
    the supervision jobs have work."""
    if Application.objects.exists():
        return 0
    generate_history(now=now, size=history)
    citizen = User.objects.get(username="citizen")
    clerk = User.objects.get(username="clerk")
    approver = User.objects.get(username="approver")
    items = {item.code: item for item in ServiceItem.objects.filter(code__in=DEMO_ITEMS)}

    enterprise = User.objects.get(username="enterprise")

    def submit(code, when, actor=citizen, **extra):
        return submit_application(actor=actor, item=items[code], channel="online", delivery_method="electronic",
                                  now=when, **extra)

    def hand_in(application, when):
        """The applicant brings the paper materials to the window: all of them, so it can be accepted."""
        items = [{"material": m.pk, "original": m.original, "copies": m.copies}
                 for m in application.item_version.materials.filter(required=True)]
        record_received_materials(application_id=application.pk, actor=clerk, items=items, now=when)

    # Waiting at intake since this morning.
    submit("000104002000", now - timedelta(hours=2))
    # Accepted three weeks ago and never decided: its first step and the application are overdue (red).
    late = submit("000148001000", now - timedelta(days=21))
    hand_in(late, now - timedelta(days=21))
    accept_application(application_id=late.pk, actor=clerk, now=now - timedelta(days=21))
    # Accepted yesterday: in time.
    fresh = submit("000104010000", now - timedelta(days=1))
    hand_in(fresh, now - timedelta(days=1))
    accept_application(application_id=fresh.pk, actor=clerk, now=now - timedelta(days=1))
    # A one-time correction notice waiting for the applicant.
    waiting = submit("000166010000", now - timedelta(days=2))
    material = waiting.item_version.materials.first()
    request_correction(application_id=waiting.pk, actor=clerk, items=[{"material": material.pk,
                                                                       "problem": "施工图缺少盖章"}],
                       note="请补齐后在网上重新提交", now=now - timedelta(days=2))
    # Approved and delivered electronically: zero visits.
    done = submit("000201001000", now - timedelta(days=8))
    hand_in(done, now - timedelta(days=8))
    accept_application(application_id=done.pk, actor=clerk, now=now - timedelta(days=8))
    for step in done.steps.order_by("order"):
        approve_step(application_id=done.pk, step_id=step.pk, actor=approver, comment="同意",
                     now=now - timedelta(days=6))
    deliver_application(application_id=done.pk, clerk=clerk, method="electronic", now=now - timedelta(days=5))
    # The enterprise: online in its own name, accepted the day before yesterday; and at the window this morning,
    # its acting person in front of the clerk (the enterprise's account sees both).
    online = submit("000104002000", now - timedelta(days=2), actor=enterprise)
    hand_in(online, now - timedelta(days=2))
    accept_application(application_id=online.pk, actor=clerk, now=now - timedelta(days=2))
    submit_application(actor=clerk, item=items["000148001000"], channel="window", delivery_method="window",
                       now=now - timedelta(hours=1), applicant={
                           "name": enterprise.name, "credit_code": enterprise.credit_code,
                           "agent_name": enterprise.agent_name, "agent_id_number": enterprise.agent_id_number,
                           "phone": enterprise.phone})
    return Application.objects.count()
