"""A generated past for the demo district: a few thousand applications over the last six months.

Reproducible from a seed. Each application is built the way the services would have
left it (due dates from the clock, spans in working days, paused days, an extension,
a correction notice, visits, a rating and its rectification), then written in bulk:
the point is that every chart of the dashboard says something on the first
`make run`, and that every figure can be followed to the applications behind it.
Each one carries a single audit event, "imported", since its history was not
recorded live.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from apps.accounts.identity import id_number_check_char, uscc_check_char
from apps.accounts.models import Role
from apps.applications import clock, law
from apps.applications.audit import record_event
from apps.applications.models import (
    Application,
    CorrectionNotice,
    Extension,
    Flag,
    Status,
    Step,
    StepStatus,
    Suspension,
    TrackingCounter,
    Visit,
)
from apps.applications.services.intake import VERIFICATION_ALPHABET
from apps.applications.tracking import format_tracking_number, sequence_serial
from apps.catalog.models import Hall, ServiceItem
from apps.evaluation.models import Rating, Rectification
from apps.workdays.calendar import add_workdays, is_workday

from .data import ENTERPRISES

User = get_user_model()
SEED = 20251001
DAYS = 182
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TRADES = ["示范餐饮", "鹏城药房", "南山食品", "福田文化传媒", "前海科技", "宝安建筑", "龙华物流", "罗湖商贸"]
ENTERPRISE_COUNT = 8
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "桂英",
         "建华"]


@dataclass
class _Case:
    """One application and the rows that hang off it, before they are written."""

    app: Application
    steps: list = field(default_factory=list)
    visits: list = field(default_factory=list)
    suspension: Suspension | None = None
    extension: Extension | None = None
    notices: list = field(default_factory=list)
    rating: Rating | None = None
    rectification: Rectification | None = None


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=timezone.get_current_timezone())


def _people(rng: random.Random, count: int) -> list:
    """History applicants, persons and enterprises, and clerks at every hall (accounts that cannot sign in)."""
    unusable = make_password(None)
    citizens = []
    for n in range(count):
        first17 = f"4403061985{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
        citizens.append(User(username=f"history-citizen-{n:03d}", role=Role.CITIZEN, password=unusable,
                             name=rng.choice(SURNAMES) + rng.choice(GIVEN), phone=f"139{n:08d}",
                             id_number=first17 + id_number_check_char(first17)))
    clerks = []
    for hall in Hall.objects.prefetch_related("windows"):
        for window in hall.windows.all()[:2]:
            clerks.append(User(username=f"history-clerk-{hall.code.lower()}-{window.number}", role=Role.CLERK,
                               password=unusable, name=rng.choice(SURNAMES) + rng.choice(GIVEN), hall=hall,
                               window=window))
    enterprises = []
    for n in range(ENTERPRISE_COUNT):
        code17, agent_id17 = f"91440306MA5G{n:05d}", f"4403061980{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n + 500:03d}"
        enterprises.append(User(username=f"history-enterprise-{n:02d}", role=Role.CITIZEN, password=unusable,
                                name=f"深圳市{rng.choice(TRADES)}有限公司", phone=f"137{n:08d}",
                                credit_code=code17 + uscc_check_char(code17),
                                agent_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                                agent_id_number=agent_id17 + id_number_check_char(agent_id17)))
    User.objects.bulk_create(citizens + enterprises + clerks)
    # The demo's enterprise account has a past too.
    return citizens + enterprises + list(User.objects.filter(username__in=ENTERPRISES)), clerks


class _Generator:
    def __init__(self, *, now: datetime, size: int, seed: int):
        self.rng, self.now, self.size = random.Random(seed), now, size  # noqa: S311  reproducible demo data
        self.today = clock.local_date(now)
        self.items = list(ServiceItem.objects.filter(active=True, current_version__isnull=False)
                          .select_related("current_version").prefetch_related("current_version__steps"))
        self.applicants, self.clerks = _people(self.rng, 60)
        self.approver = User.objects.filter(role=Role.APPROVER).first()
        self.manager = User.objects.filter(role=Role.MANAGER, department__isnull=True).first()
        self.counters = {(c.prefix, c.day): c for c in TrackingCounter.objects.all()}

    def _workday_moment(self, start: date, workdays: int) -> datetime:
        return _moment(self.rng, add_workdays(start, workdays))

    def _tracking(self, prefix: str, day: date) -> str:
        """Numbered as a submission is: from the database's sequence where there is one, else the day's counter."""
        serial = sequence_serial()
        if serial is None:
            counter = self.counters.setdefault((prefix, day), TrackingCounter(prefix=prefix, day=day, last=0))
            counter.last += 1
            serial = counter.last
        return format_tracking_number(prefix, day, serial)

    def case(self) -> _Case:
        rng = self.rng
        item = rng.choice(self.items)
        version = item.current_version
        day = self.today - timedelta(days=rng.randint(1, DAYS))
        while not is_workday(day):
            day -= timedelta(days=1)
        submitted_at = _moment(rng, day)
        applicant = rng.choice(self.applicants)
        # Items that need no visit are mostly done online; delivery by post or e-licence spares the second trip.
        at_window = not version.online or rng.random() < (0.05 if version.max_visits == 0 else 0.45)
        clerk = rng.choice(self.clerks)
        received_on = clock.receipt_date(submitted_at)
        app = Application(
            applicant=applicant, applicant_name=applicant.name, applicant_id_number=applicant.id_number,
            applicant_credit_code=applicant.credit_code, agent_name=applicant.agent_name,
            agent_id_number=applicant.agent_id_number, applicant_phone=applicant.phone, item_version=version,
            service_item=item, department_id=item.department_id,
            channel="window" if at_window else "online", hall=clerk.hall, window=clerk.window,
            delivery_method=rng.choices(["window", "electronic", "mail"], weights=[12, 60, 28])[0],
            created_by=clerk if at_window else applicant,
            tracking_number=self._tracking(clerk.hall.code if at_window else "WEB", day),
            verification_code="".join(rng.choice(VERIFICATION_ALPHABET) for _ in range(8)),
            submitted_at=submitted_at, received_on=received_on, intake_due_on=clock.intake_due(received_on),
            status=Status.SUBMITTED)
        if app.delivery_method == "mail":
            app.delivery_address = "示范区人民路 100 号"
        case = _Case(app)
        if at_window:
            case.visits.append(Visit(hall=clerk.hall, window=clerk.window, purpose="submit", clerk=clerk,
                                     at=submitted_at))
        self._intake(case, clerk, version)
        return case

    def _intake(self, case: _Case, clerk, version) -> None:
        rng, app = self.rng, case.app
        roll = rng.random()
        start = app.received_on
        if roll < 0.12:  # one correction notice (a second one now and then), answered a few days later
            issued = self._workday_moment(start, 1)
            for number in (1, 2) if rng.random() < 0.08 else (1,):
                answered = self._workday_moment(clock.local_date(issued), rng.randint(1, 4))
                case.notices.append(CorrectionNotice(
                    number=number, items=[{"name": "申请材料", "problem": "材料不齐"}], issued_by=clerk,
                    issued_at=issued,
                    violation_reason="" if number == 1 else "首次告知遗漏", answered_at=answered))
                if app.channel == "window":
                    case.visits.append(Visit(hall=clerk.hall, window=clerk.window, purpose="correct", clerk=clerk,
                                             at=answered))
                issued = self._workday_moment(clock.local_date(answered), 1)
            start = clock.local_date(answered)
        deemed = 0.15 <= roll < 0.18  # nobody decided within the intake period
        accepted_at = self._workday_moment(start, law.INTAKE_WORKDAYS + 1 if deemed else rng.choice([0, 0, 1, 2]))
        if accepted_at > self.now:
            return
        if roll > 0.97:  # refused at intake
            app.status, app.decided_at, app.decision_reason = Status.REJECTED, accepted_at, "不属于本机关职权范围"
            return
        if 0.12 <= roll < 0.15:
            app.status = Status.WITHDRAWN
            return
        app.deemed_accepted = deemed
        app.accepted_on = start if deemed else clock.local_date(accepted_at)
        app.accepted_at = accepted_at
        app.status = Status.ACCEPTED
        self._review(case, version)

    def _review(self, case: _Case, version) -> None:
        rng, app = self.rng, case.app
        slow = rng.random() < 0.12
        if rng.random() < 0.04 and not version.instant:
            app.extension_days = 10
            case.extension = Extension(days=10, reason="需组织专家论证", approved_by=self.manager,
                                       created_at=self._workday_moment(app.accepted_on, 1))
        step_start, started_at, finished = app.accepted_on, app.accepted_at, None
        templates = list(version.steps.all())
        deny_at = rng.randrange(len(templates)) if templates and rng.random() < 0.06 else None
        for template in templates:
            step = Step(order=template.order, name=template.name, allotted_days=template.allotted_days,
                        department_id=template.department_id or version.department_id, role=template.role,
                        status=StepStatus.PENDING)
            case.steps.append(step)
            if finished is False:
                continue
            step.started_on, step.started_at = step_start, started_at
            paused = rng.randint(2, 6) if case.suspension is None and rng.random() < 0.07 else 0
            share = rng.uniform(0.9, 1.8) if slow else rng.uniform(0.2, 1.0)
            end = add_workdays(step_start, round(template.allotted_days * share) + paused)
            if end >= self.today:  # still under way
                clock.set_step_due_date(step, version)
                step.status, step.flag = StepStatus.ACTIVE, clock.flag_at(self.now, step.warning_at, step.due_at)
                finished = False
                continue
            if paused:
                step.paused_workdays = paused
                pause_start = self._workday_moment(step_start, 0)
                case.suspension = Suspension(step=step, kind=rng.choice(["inspection", "expert_review"]),
                                             reason="特别程序", started_at=pause_start, started_by=self.approver,
                                             ended_by=self.approver, paused_workdays=paused,
                                             ended_at=self._workday_moment(step_start, paused))
            clock.set_step_due_date(step, version)
            step.finished_at = max(_moment(rng, end), started_at + timedelta(minutes=30))
            step.finished_by = self.approver
            step.status = StepStatus.DENIED if deny_at == template.order - 1 else StepStatus.APPROVED
            if step.status == StepStatus.DENIED:
                finished = False
                for later in templates[template.order:]:
                    case.steps.append(Step(order=later.order, name=later.name, allotted_days=later.allotted_days,
                                           department_id=later.department_id or version.department_id,
                                           role=later.role, status=StepStatus.CANCELLED))
                break
            step_start, started_at = end, step.finished_at
        app.paused_workdays = sum(s.paused_workdays for s in case.steps)
        clock.set_application_due_dates(app)
        decided = [s for s in case.steps if s.finished_at]
        open_step = any(s.status == StepStatus.ACTIVE for s in case.steps)
        if open_step:
            app.flag = clock.flag_at(self.now, app.warning_at, app.due_at)
            return
        app.decided_at = max((s.finished_at for s in decided), default=app.accepted_at)
        denied = any(s.status == StepStatus.DENIED for s in case.steps)
        app.status = Status.DENIED if denied else Status.APPROVED
        if denied:
            app.decision_reason = "经审查不符合许可条件"
        app.flag = Flag.OVERDUE if app.decided_at >= app.due_at else Flag.NORMAL
        app.delivery_due_at = clock.delivery_due_at(app.decided_at)
        self._deliver(case)

    def _deliver(self, case: _Case) -> None:
        rng, app = self.rng, case.app
        late = rng.random() < 0.03
        delivered_on = add_workdays(clock.local_date(app.decided_at), rng.randint(12, 16) if late else
                                    rng.choice([0, 0, 1, 2, 3]))
        if delivered_on >= self.today:
            return
        app.delivered_at, app.status = _moment(rng, delivered_on), Status.DELIVERED
        if app.delivered_at <= app.decided_at:
            app.delivered_at = app.decided_at + timedelta(hours=1)
        if app.delivery_method == "window":
            clerk = rng.choice(self.clerks)
            case.visits.append(Visit(hall=clerk.hall, window=clerk.window, purpose="collect", clerk=clerk,
                                     at=app.delivered_at))
            if rng.random() < 0.05:  # came once more than needed
                case.visits.append(Visit(hall=clerk.hall, window=clerk.window, purpose="consult", clerk=clerk,
                                         at=app.delivered_at - timedelta(days=1)))
        if rng.random() < 0.6:
            self._rate(case)

    def _rate(self, case: _Case) -> None:
        rng, app = self.rng, case.app
        score = rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 12, 5, 3])[0]
        rated_at = min(app.delivered_at + timedelta(hours=rng.randint(1, 48)), self.now - timedelta(minutes=5))
        case.rating = Rating(rater=app.applicant, score=score, comment="" if score > 2 else "办理时间太长",
                             created_at=rated_at)
        if score <= 2:
            due = add_workdays(clock.local_date(rated_at), law.RECTIFICATION_WORKDAYS)
            answered = None
            if rng.random() < 0.8:
                answered = self._workday_moment(clock.local_date(rated_at), rng.choice([1, 2, 3, 4, 7]))
                if answered > self.now:
                    answered = None
            case.rectification = Rectification(
                department_id=app.department_id, due_date=due, warning_at=clock.start_of(due),
                due_at=clock.end_of(due), status="answered" if answered else "open", answered_at=answered,
                answer="已回访申请人并整改" if answered else "", answered_by=self.approver if answered else None)


def generate_history(*, now: datetime, size: int, seed: int = SEED) -> int:
    """Write `size` past applications; the caller holds a transaction."""
    if size <= 0:
        return 0
    generator = _Generator(now=now, size=size, seed=seed)
    cases = sorted((generator.case() for _ in range(size)), key=lambda c: c.app.submitted_at)
    Application.objects.bulk_create([c.app for c in cases], batch_size=500)
    for c in cases:
        for row in (*c.steps, *c.visits, *c.notices, c.suspension, c.extension, c.rating):
            if row is not None:
                row.application = c.app
    Step.objects.bulk_create([s for c in cases for s in c.steps], batch_size=1000)
    Visit.objects.bulk_create([v for c in cases for v in c.visits], batch_size=1000)
    CorrectionNotice.objects.bulk_create([n for c in cases for n in c.notices], batch_size=1000)
    Suspension.objects.bulk_create([c.suspension for c in cases if c.suspension], batch_size=1000)
    Extension.objects.bulk_create([c.extension for c in cases if c.extension], batch_size=1000)
    Rating.objects.bulk_create([c.rating for c in cases if c.rating], batch_size=1000)
    for c in cases:
        if c.rectification:
            c.rectification.rating = c.rating
    Rectification.objects.bulk_create([c.rectification for c in cases if c.rectification], batch_size=1000)
    counters = list(generator.counters.values())
    TrackingCounter.objects.bulk_update([c for c in counters if c.pk], ["last"], batch_size=1000)
    TrackingCounter.objects.bulk_create([c for c in counters if not c.pk], batch_size=1000)
    for c in cases:
        record_event(c.app, actor=None, action="imported", now=now, payload={"history": True})
    return len(cases)
