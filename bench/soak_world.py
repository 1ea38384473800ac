"""The soak's world, made through the ORM and the services (bench/soak.py).

Before the stack starts: accounts for the clients (the demo's, and more of each role so that no one account
carries everything) and the supervision jobs rescheduled to run every few seconds. While the clients run:
applications that began in the past, made by the services with a past clock when a client reaches them, so that
the jobs have real work under load: steps overdue or nearly so, an intake period that ran out (deemed
acceptance), a correction notice waiting for its reminder, a result not delivered in time.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from rest_framework.authtoken.models import Token

from apps.accounts.identity import id_number_check_char
from apps.accounts.models import Role
from apps.applications import clock, law, services
from apps.applications.models import Flag, Step
from apps.catalog.models import Department, Hall, ServiceItem
from apps.demo.data import DEMO_PASSWORD
from apps.workdays.calendar import is_workday, workdays_between
from apps.workdays.days import local_date

User = get_user_model()
HALL = "QZX"  # the district centre: its comprehensive windows take every item
COMPREHENSIVE_WINDOWS = ["01", "02", "03", "04", "05"]

# The jobs the soak runs every few seconds (the other entries keep their schedule).
SWEEP_TASKS = ("apps.supervision.tasks.sweep_deadlines", "apps.supervision.tasks.deem_acceptance",
               "apps.supervision.tasks.flag_late_deliveries", "apps.supervision.tasks.remind_and_follow_up")
CHECKPOINT_TASK = "apps.applications.tasks.seal_audit_checkpoint"


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    id_number: str = ""
    name: str = ""
    phone: str = ""


@dataclass
class Desk:
    """The people one share of the cases goes through: an applicant, a clerk, an approver of each department
    (by the department's name, as a step shows it) and a manager."""

    citizen: Account
    clerk: Account
    manager: Account
    approvers: dict[str, Account] = field(default_factory=dict)


def _citizen_id(n: int) -> str:
    first17 = f"440304{1990 + n // 365:04d}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def _user(username: str, hashed_password: str, **fields) -> User:
    return User(username=username, password=hashed_password, **fields)


def make_desks(count: int) -> list[Desk]:
    """Desk 0 is the demo's own accounts (with an approver added for each other department); the others are
    new accounts with a password of this run (and a token each: see `tokens`)."""
    password = secrets.token_urlsafe(12)
    hashed = make_password(password)  # one hash for all: hashing is slow on purpose
    hall = Hall.objects.get(code=HALL)
    windows = {w.number: w for w in hall.windows.filter(number__in=COMPREHENSIVE_WINDOWS)}
    departments = list(Department.objects.order_by("code"))
    demo = {u.username: u for u in User.objects.filter(username__in=["citizen", "clerk", "approver", "manager"])}
    users, desks = [], []
    for n in range(count):
        if n == 0:
            citizen = demo["citizen"]
            desk = Desk(citizen=Account("citizen", DEMO_PASSWORD, citizen.id_number, citizen.name, citizen.phone),
                        clerk=Account("clerk", DEMO_PASSWORD), manager=Account("manager", DEMO_PASSWORD))
        else:
            citizen = Account(f"soak-citizen-{n}", password, _citizen_id(n), f"申请人{n}", f"137{n:08d}")
            desk = Desk(citizen=citizen, clerk=Account(f"soak-clerk-{n}", password),
                        manager=Account(f"soak-manager-{n}", password))
            users += [
                _user(citizen.username, hashed, role=Role.CITIZEN, name=citizen.name, id_number=citizen.id_number,
                      phone=citizen.phone),
                _user(desk.clerk.username, hashed, role=Role.CLERK, name=f"窗口{n}", hall=hall,
                      window=windows[COMPREHENSIVE_WINDOWS[n % len(COMPREHENSIVE_WINDOWS)]]),
                _user(desk.manager.username, hashed, role=Role.MANAGER, name=f"管理{n}"),
            ]
        for department in departments:
            if n == 0 and demo["approver"].department_id == department.pk:
                desk.approvers[department.name] = Account("approver", DEMO_PASSWORD)
                continue
            account = Account(f"soak-approver-{department.code.lower()}-{n}", password)
            users.append(_user(account.username, hashed, role=Role.APPROVER, name=f"审批{n}",
                               department=department))
            desk.approvers[department.name] = account
        desks.append(desk)
    User.objects.bulk_create(users)
    return desks


def tokens() -> dict[str, str]:
    """API tokens of the accounts the soak added, made here: a sign-in costs a password hash on the server, and
    dozens of them at once would only measure that. The demo's accounts sign in over the API."""
    return {token.user.username: token.key for token in (
        Token.objects.get_or_create(user=user)[0]
        for user in User.objects.filter(username__startswith="soak-"))}


def speed_up_schedule(*, sweep_seconds: int, checkpoint_seconds: int) -> None:
    """Beat reads its schedule from the database: the supervision jobs every `sweep_seconds`, the audit
    checkpoint every `checkpoint_seconds` (saved one by one, so that a running beat notices too)."""
    for tasks, seconds in ((SWEEP_TASKS, sweep_seconds), ((CHECKPOINT_TASK,), checkpoint_seconds)):
        interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
        for task in PeriodicTask.objects.filter(task__in=tasks):
            task.interval = interval
            task.save()


# ---- applications that began in the past ---------------------------------------------------------------

LATE_KINDS = ("overdue", "warning", "deemed", "reminded", "late_delivery")
# kind -> the item it uses (demo catalogue): first steps of 2, 3 and 1 working days, a one-step item.
LATE_ITEMS = {"overdue": "000104002000", "warning": "000104010000", "deemed": "000104002000",
              "reminded": "000166010000", "late_delivery": "000104002001"}


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def _workdays_back(today: date, n: int) -> date:
    """The working day n working days before `today`."""
    day = today - timedelta(days=1)
    while not (is_workday(day) and workdays_between(day, today) >= n):
        day -= timedelta(days=1)
    return day


def _first_step_flag(version, started_on: date, now: datetime) -> str:
    template = version.steps.order_by("order").first()
    step = Step(started_on=started_on, allotted_days=template.allotted_days, paused_workdays=0)
    clock.set_step_due_date(step, version)
    return clock.flag_at(now, step.warning_at, step.due_at)


def _start_day(version, wanted: str, now: datetime) -> date | None:
    """A working day such that a first step started on it is `wanted` (yellow or red) now."""
    today = local_date(now)
    for n in range(1, 40):
        day = _workdays_back(today, n)
        if _first_step_flag(version, day, now) == wanted:
            return day
    return None


class LateMaker:
    """Each kind of late case, made with the services as the clerk and approver of a desk would have, then.
    One per client thread (it keeps the users it read)."""

    def __init__(self):
        self.items = {item.code: item for item in ServiceItem.objects.filter(code__in=set(LATE_ITEMS.values()))
                      .select_related("current_version", "department")}
        self.users = {}

    def _user(self, account: Account) -> User:
        if account.username not in self.users:
            self.users[account.username] = User.objects.get(username=account.username)
        return self.users[account.username]

    def make(self, kind: str, desk: Desk) -> tuple[str, int, str]:
        """(the kind actually made, the application's id, its department's name); a yellow one falls back to red
        on a rest day."""
        self.now = timezone.now()
        self.today = local_date(self.now)
        item = self.items[LATE_ITEMS[kind]]
        citizen, clerk = self._user(desk.citizen), self._user(desk.clerk)
        with transaction.atomic():
            if kind in ("overdue", "warning"):
                day = _start_day(item.current_version, Flag.WARNING if kind == "warning" else Flag.OVERDUE,
                                 self.now)
                if day is None:
                    return self.make("overdue", desk)
                application = self._accepted(item, citizen, clerk, _at(day))
            elif kind == "deemed":
                day = _workdays_back(self.today, law.INTAKE_WORKDAYS + 2)
                application = self._submitted(item, citizen, _at(day))
            elif kind == "reminded":
                day = _workdays_back(self.today, law.correction_reminder_workdays() + 1)
                application = self._submitted(item, citizen, _at(day))
                material = application.item_version.materials.order_by("order").first()
                services.request_correction(application_id=application.pk, actor=clerk, note="请补正后重新提交",
                                            items=[{"material": material.pk, "problem": "缺少盖章"}],
                                            now=_at(day, 11))
            else:  # late_delivery: decided more than the delivery period ago, never delivered
                day = _workdays_back(self.today, law.DELIVERY_WORKDAYS + 2)
                application = self._accepted(item, citizen, clerk, _at(day))
                approver = self._user(desk.approvers[item.department.name])
                for step in application.steps.order_by("order"):
                    services.approve_step(application_id=application.pk, step_id=step.pk, actor=approver,
                                          comment="同意", now=_at(day, 15))
        return kind, application.pk, item.department.name

    def _submitted(self, item, citizen, at: datetime):
        return services.submit_application(actor=citizen, item=item, channel="online", delivery_method="electronic",
                                           now=at)

    def _accepted(self, item, citizen, clerk, at: datetime):
        application = self._submitted(item, citizen, at)
        items = [{"material": m.pk, "original": m.original, "copies": m.copies}
                 for m in application.item_version.materials.filter(required=True)]
        services.record_received_materials(application_id=application.pk, actor=clerk, items=items,
                                           now=at + timedelta(minutes=5))
        return services.accept_application(application_id=application.pk, actor=clerk,
                                           now=at + timedelta(minutes=10))
