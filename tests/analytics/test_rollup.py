"""The daily rollup changes no figure: every figure read through it equals the figure counted from the
applications alone, for periods on both sides of the last rolled-up day, every filter and grouping, after
changes to old applications and after a calendar change."""

import random
from datetime import date, timedelta

import pytest

from apps.analytics.figures import GROUPINGS, figures, step_figures, trend
from apps.analytics.filters import Scope
from apps.analytics.models import DayCounts, RollupChange, RollupState
from apps.analytics.rollup import rebuild_rollup, refresh_rollup
from apps.applications import services
from apps.applications.models import Application
from apps.evaluation.services import answer_rectification, rate_application
from apps.workdays.models import CalendarDay, CalendarYear
from tests.factories import hand_in_materials, make_id_number
from tests.helpers import at

pytestmark = pytest.mark.django_db

# The job runs on 20 October: the rollup holds every day up to 19 October, the days after are counted live.
JOB = at(2025, 10, 20, 3)
PERIODS = [(None, None), (date(2025, 9, 1), date(2025, 10, 31)), (date(2025, 9, 10), date(2025, 9, 20)),
           (date(2025, 10, 15), date(2025, 10, 25)), (date(2025, 10, 20), date(2025, 11, 30)),
           (date(2025, 10, 19), date(2025, 10, 19)), (date(2025, 11, 1), None)]


def live(compute):
    """`compute()` with the rollup set aside: every day counted from the applications."""
    state = RollupState.objects.first()
    RollupState.objects.all().delete()
    try:
        return compute()
    finally:
        if state:
            state.save()


def every_figure(scopes) -> dict:
    result = {}
    for name, scope in scopes.items():
        for grouping in GROUPINGS:
            result[name, grouping] = figures(scope, grouping)
        result[name, "steps"] = step_figures(scope)
        result[name, "trend"] = trend(scope)
    return result


def assert_same_as_live(scopes):
    through_rollup = every_figure(scopes)
    from_applications = live(lambda: every_figure(scopes))
    for key, expected in from_applications.items():
        assert through_rollup[key] == expected, key


@pytest.fixture
def scopes(department, other_department, hall, other_hall, item_b):
    filters = {"all": {}, "department": {"department": other_department}, "hall": {"hall": hall},
               "other hall": {"hall": other_hall}, "item": {"item": item_b}}
    return {(first, last, name): Scope(date_from=first, date_to=last, **f)
            for first, last in PERIODS for name, f in filters.items()}


@pytest.fixture
def varied(item, item_b, citizen, clerk, other_clerk, approver, other_approver, district_manager):
    """About 70 applications from 1 September to 28 October 2025, online and at two halls, through every path:
    withdrawn, refused, corrected twice, deemed accepted, paused, extended, approved, denied, open, delivered
    late or never, visited, rated well and badly, rectified in time or not."""
    rng = random.Random(20251001)
    made = []
    for n in range(70):
        it = rng.choice([item, item_b])
        approver_of = approver if it == item else other_approver
        moment = at(2025, 9, 1, 9) + timedelta(days=rng.randrange(58), hours=rng.randrange(8))
        desk = rng.choice([clerk, other_clerk])
        if rng.random() < 0.3:
            application = services.submit_application(
                actor=desk, item=it, channel="window", delivery_method="window", now=moment,
                applicant={"name": f"申请人{n}", "id_number": make_id_number(500 + n), "phone": "13800000000"})
        else:
            application = services.submit_application(actor=citizen, item=it, channel="online",
                                                       delivery_method="electronic", now=moment)
        made.append(application)
        pk, fate = application.pk, rng.random()
        moment += timedelta(hours=1)
        if fate < 0.06:
            services.withdraw_application(application_id=pk, actor=citizen if application.applicant else desk,
                                          now=moment)
            continue
        if fate < 0.12:
            services.reject_application(application_id=pk, actor=desk, reason="不属于本机关职权范围", now=moment)
            if rng.random() < 0.5:
                rate_application(application_id=pk, rater=citizen, score=1, comment="不满意",
                                 now=moment + timedelta(days=rng.randrange(1, 30)))
            continue
        if fate < 0.18:
            services.deem_accept_application(application_id=pk, now=moment + timedelta(days=20))
            continue
        if fate < 0.26:
            material = application.item_version.materials.first()
            for number in (1, 2):
                services.request_correction(application_id=pk, actor=desk, items=[
                    {"material": material.pk, "problem": "缺少签名"}], note="", now=moment,
                    violation_reason="上次漏看" if number == 2 else "")
                moment += timedelta(days=1)
                services.resubmit_application(application_id=pk, actor=citizen if application.applicant else desk,
                                              now=moment)
        hand_in_materials(application, desk, moment)
        services.accept_application(application_id=pk, actor=desk, now=moment)
        if rng.random() < 0.2:
            services.record_visit(application_id=pk, clerk=desk, purpose="consult", now=moment + timedelta(hours=1))
        if rng.random() < 0.15:
            services.extend_application(application_id=pk, actor=district_manager, days=5, reason="需专家论证",
                                        now=moment + timedelta(days=1))
        if rng.random() < 0.15:
            services.suspend_application(application_id=pk, actor=approver_of, kind="inspection", reason="现场核查",
                                         now=moment + timedelta(days=1, hours=1))
            services.resume_application(application_id=pk, actor=approver_of, now=moment + timedelta(days=4))
            moment += timedelta(days=4)
        steps = list(application.steps.order_by("order"))
        if rng.random() < 0.15:
            continue  # still open
        denied = rng.random() < 0.15
        for step in steps:
            moment += timedelta(days=rng.randrange(0, 6), hours=1)
            if denied:
                services.deny_step(application_id=pk, step_id=step.pk, actor=approver_of, reason="条件不符",
                                   now=moment)
                break
            services.approve_step(application_id=pk, step_id=step.pk, actor=approver_of, comment="同意", now=moment)
        if rng.random() < 0.75:
            moment += timedelta(days=rng.randrange(0, 18), hours=1)
            services.deliver_application(application_id=pk, clerk=desk, method=rng.choice(["electronic", "window"]),
                                         now=moment)
            if rng.random() < 0.6:
                score = rng.randrange(1, 6)
                moment += timedelta(days=rng.randrange(0, 6), hours=1)
                rating = rate_application(application_id=pk, rater=citizen, score=score,
                                          comment="办得慢" if score <= 2 else "", now=moment)
                if score <= 2 and rng.random() < 0.6:
                    answer_rectification(rectification_id=rating.rectification.pk, actor=approver_of,
                                         answer="已核实并改进", now=moment + timedelta(days=rng.randrange(1, 20)))
    services_flags(at(2025, 12, 1, 9))
    return made


def services_flags(now):
    from apps.supervision.services import flag_applications, flag_steps

    flag_applications(now=now)
    flag_steps(now=now)


def test_every_figure_through_the_rollup_equals_the_live_count(varied, scopes):
    report = refresh_rollup(now=JOB)
    assert report.rolled_through == date(2025, 10, 19) and report.rows > 0
    assert not RollupChange.objects.exists()
    assert_same_as_live(scopes)


def test_the_figures_count_the_days_the_rollup_does_not_hold_yet(varied, scopes):
    refresh_rollup(now=at(2025, 9, 25, 3))
    assert_same_as_live(scopes)
    refresh_rollup(now=JOB)  # catches up to 19 October
    assert RollupState.objects.get().rolled_through == date(2025, 10, 19)
    assert_same_as_live(scopes)


def test_a_change_to_an_old_application_counts_at_once_and_is_rolled_up_by_the_job(varied, scopes, citizen, clerk):
    refresh_rollup(now=JOB)
    decided = Application.objects.filter(status__in=["approved", "denied"], delivered_at__isnull=True,
                                         decided_at__lt=at(2025, 10, 1)).order_by("pk").first()
    submitted_on = Scope(date_from=decided.received_on, date_to=decided.received_on)
    rated_on = Scope(date_from=date(2025, 10, 13), date_to=date(2025, 10, 13))
    visits, rated = figures(submitted_on)[()]["visits"], figures(rated_on)[()]["rated"]
    # Collected at the window (a visit, counted on its submission day) and rated long after its decision, on
    # days the rollup holds.
    services.deliver_application(application_id=decided.pk, clerk=clerk, method="window", now=at(2025, 10, 10, 10))
    rate_application(application_id=decided.pk, rater=citizen, score=5, comment="", now=at(2025, 10, 13, 10))
    assert RollupChange.objects.filter(application=decided).exists()
    assert figures(submitted_on)[()]["visits"] != visits and figures(rated_on)[()]["rated"] == rated + 1
    assert_same_as_live(scopes)  # before the job: those days are counted from the applications
    refresh_rollup(now=JOB)
    assert not RollupChange.objects.exists()
    assert sum(DayCounts.objects.filter(day=date(2025, 10, 13)).values_list("rated", flat=True)) == rated + 1
    assert_same_as_live(scopes)


def test_a_calendar_change_recounts_the_working_days(varied, scopes, django_capture_on_commit_callbacks):
    refresh_rollup(now=JOB)
    period = Scope(date_from=date(2025, 9, 1), date_to=date(2025, 10, 31))
    before = figures(period)[()]["avg_working_days"]
    year = CalendarYear.objects.get(year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        for day in (date(2025, 9, 10), date(2025, 9, 11), date(2025, 9, 12)):
            CalendarDay.objects.create(date=day, kind="holiday", name="test", calendar_year=year)
    assert RollupState.objects.get().rolled_through == date(2025, 9, 9)
    assert_same_as_live(scopes)
    assert figures(period)[()]["avg_working_days"] < before
    refresh_rollup(now=JOB)
    assert RollupState.objects.get().rolled_through == date(2025, 10, 19)
    assert_same_as_live(scopes)


def test_rebuild_starts_again_from_the_applications(varied, scopes):
    refresh_rollup(now=JOB)
    DayCounts.objects.update(submitted=99)  # a damaged rollup
    rebuild_rollup(now=JOB)
    assert_same_as_live(scopes)
