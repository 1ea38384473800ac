"""The demo's generated past: varied, consistent with the clock, and every audit chain intact."""

import pytest

from apps.analytics.figures import figures
from apps.analytics.filters import Scope
from apps.applications.audit import verify_all
from apps.applications.models import Application, Step, StepStatus
from apps.demo.services import seed_demo

pytestmark = pytest.mark.django_db


def test_history_has_every_outcome_and_the_figures_say_something():
    created = seed_demo(history=400)
    assert created["applications"] == 407
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {"delivered", "accepted", "rejected", "withdrawn"} <= statuses
    assert Step.objects.filter(status=StepStatus.DENIED).exists()  # denials, delivered like approvals
    f = figures(Scope())[()]
    assert f["decided"] > 200 and 0.5 < f["on_time_rate"] < 1 and 0.5 < f["satisfaction_rate"] <= 1
    assert f["visits"]["two_or_more"] > 0 and f["extensions"] > 0 and f["deemed_accepted"] > 0
    assert list(verify_all()) == []


def test_the_demo_enterprise_has_applications_online_at_the_window_and_in_the_past():
    seed_demo(history=400)
    mine = Application.objects.filter(applicant__username="enterprise")
    assert {"online", "window"} <= set(mine.values_list("channel", flat=True))
    assert mine.filter(events__action="imported").exists()  # generated history
    window = mine.filter(events__action="submitted", channel="window").get()
    assert window.applicant_credit_code == window.applicant.credit_code and window.agent_name == "刘经办"
    assert Application.objects.exclude(applicant_credit_code="").exclude(applicant__username="enterprise").exists()


def test_history_is_consistent_with_the_clock():
    seed_demo(history=300)
    for app in Application.objects.filter(accepted_on__isnull=False):
        assert app.due_date is not None and app.accepted_on <= app.due_date <= app.legal_due_date
        if app.decided_at:
            assert app.decided_at >= app.accepted_at or app.deemed_accepted
    assert not Step.objects.filter(status=StepStatus.ACTIVE, due_date__isnull=True).exists()
    assert Application.objects.filter(status="accepted").count() == \
        Step.objects.filter(status=StepStatus.ACTIVE).values("application").distinct().count()
