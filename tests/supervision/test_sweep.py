"""电子监察: yellow then red, once each; paused clocks never; resume, extension and decision re-evaluate."""

from datetime import date

import pytest

from apps.applications import services
from apps.applications.models import Application, Step
from apps.supervision.models import Alert
from apps.supervision.services import (
    APPLICATIONS_WARNING,
    DELIVERIES_OVERDUE,
    RECTIFICATIONS_OVERDUE,
    RECTIFICATIONS_WARNING,
    STEPS_WARNING,
    run_supervision,
)
from tests.factories import ServiceItemFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_day_item(department):
    """A 1-working-day item with a single 1-day step."""
    item = ServiceItemFactory(code="000900000100", department=department, promised_limit_days=1,
                              legal_limit_days=20)
    assert item.steps.count() == 1
    return item


def flags(app):
    app = Application.objects.get(pk=app.pk)
    return app.flag, Step.objects.get(application=app, order=1).flag


def test_a_one_day_step_turns_yellow_on_its_last_day_then_red_once_each(make_application, one_day_item):
    # Friday
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    step = app.steps.get()
    assert step.due_date == date(2026, 11, 30)                             # Monday
    run_supervision(now=at(2026, 11, 29, 12))
    assert flags(app) == ("normal", "normal")

    report = run_supervision(now=at(2026, 11, 30, 9))
    assert flags(app) == ("warning", "warning")
    assert report.flagged[STEPS_WARNING] == 1 and report.flagged[APPLICATIONS_WARNING] == 1
    run_supervision(now=at(2026, 11, 30, 10))
    assert Alert.objects.filter(level="warning").count() == 2   # one for the step, one for the application

    run_supervision(now=at(2026, 12, 1, 0, 0))
    assert flags(app) == ("overdue", "overdue")
    run_supervision(now=at(2026, 12, 1, 9))
    assert Alert.objects.filter(level="overdue").count() == 2
    assert Alert.objects.count() == 4


def test_a_paused_clock_is_never_flagged_and_resuming_moves_the_deadline(make_application, approver, one_day_item):
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    services.suspend_application(application_id=app.pk, actor=approver, kind="testing", reason="送检",
                                 now=at(2026, 11, 27, 11))
    run_supervision(now=at(2026, 12, 4, 9))
    assert flags(app) == ("normal", "normal")
    assert not Alert.objects.exists()
    services.resume_application(application_id=app.pk, actor=approver, now=at(2026, 12, 4, 10))
    app.refresh_from_db()
    assert app.due_date == date(2026, 12, 7)          # five working days paused, 11/30-12/4
    run_supervision(now=at(2026, 12, 4, 12))
    assert flags(app) == ("normal", "normal")
    run_supervision(now=at(2026, 12, 8, 9))
    assert flags(app) == ("overdue", "overdue")


def test_resuming_after_a_red_flag_clears_it_when_the_new_deadline_is_ahead(make_application, approver, one_day_item):
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    run_supervision(now=at(2026, 12, 1, 9))
    assert flags(app) == ("overdue", "overdue")
    services.suspend_application(application_id=app.pk, actor=approver, kind="hearing", reason="听证",
                                 now=at(2026, 12, 1, 10))
    services.resume_application(application_id=app.pk, actor=approver, now=at(2026, 12, 3, 10))
    # Two working days paused: due 12/2, so it is still overdue on 12/3.
    assert flags(app) == ("overdue", "overdue")


def test_an_extension_re_evaluates_the_flag_and_a_new_deadline_can_be_flagged_again(make_application, manager,
                                                                                    one_day_item):
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    run_supervision(now=at(2026, 12, 1, 9))
    services.extend_application(application_id=app.pk, actor=manager, days=5, reason="需专家论证",
                                now=at(2026, 12, 1, 10))
    app.refresh_from_db()
    assert app.flag == "normal" and app.due_date == date(2026, 12, 7)
    run_supervision(now=at(2026, 12, 8, 9))
    app.refresh_from_db()
    assert app.flag == "overdue"
    assert Alert.objects.filter(kind="application", level="overdue").count() == 2   # one per deadline


def test_a_decision_in_time_clears_the_yellow_flag(make_application, approver, one_day_item):
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    run_supervision(now=at(2026, 11, 30, 9))
    step = app.steps.get()
    services.approve_step(application_id=app.pk, step_id=step.pk, actor=approver, comment="",
                          now=at(2026, 11, 30, 15))
    app.refresh_from_db()
    assert app.status == "approved" and app.flag == "normal"
    run_supervision(now=at(2026, 12, 1, 9))
    assert Application.objects.get(pk=app.pk).flag == "normal"


def test_a_late_decision_keeps_its_red_flag(make_application, approver, one_day_item):
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    step = app.steps.get()
    services.approve_step(application_id=app.pk, step_id=step.pk, actor=approver, comment="",
                          now=at(2026, 12, 2, 15))
    assert Application.objects.get(pk=app.pk).flag == "overdue"


def test_results_not_delivered_within_ten_working_days_are_flagged_once(make_application, approver, one_day_item):
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    services.approve_step(application_id=app.pk, step_id=app.steps.get().pk, actor=approver, comment="",
                          now=at(2026, 11, 27, 15))
    run_supervision(now=at(2026, 12, 11, 9))      # the 10th working day after 11/27
    assert not Alert.objects.filter(kind="delivery").exists()
    report = run_supervision(now=at(2026, 12, 12, 0, 1))
    assert report.flagged[DELIVERIES_OVERDUE] == 1
    run_supervision(now=at(2026, 12, 14, 9))
    assert Alert.objects.filter(kind="delivery").count() == 1


def test_deemed_acceptance_runs_in_the_job(make_application, as_user, citizen, item):
    app = make_application(submitted_at=at(2026, 11, 2, 10))
    assert run_supervision(now=at(2026, 11, 9, 12)).deemed_accepted == []
    report = run_supervision(now=at(2026, 11, 10, 0, 5))
    assert report.deemed_accepted == [app.tracking_number]
    app.refresh_from_db()
    assert app.status == "accepted" and app.accepted_on == date(2026, 11, 2)
    assert run_supervision(now=at(2026, 11, 10, 0, 6)).deemed_accepted == []
    events = as_user(citizen).get(f"/api/v1/applications/{app.pk}/").json()["events"]
    assert (events[-1]["action"], events[-1]["actor"]) == ("deemed_accepted", None)   # nobody did it


def test_an_open_correction_notice_is_reminded_once_after_three_working_days(make_application, citizen, clerk, item):
    app = make_application(submitted_at=at(2026, 11, 2, 10))
    material = app.item_version.materials.first()
    services.request_correction(application_id=app.pk, actor=clerk, items=[{"material": material.pk,
                                                                            "problem": "缺页"}],
                                note="", now=at(2026, 11, 2, 11))
    assert run_supervision(now=at(2026, 11, 4, 23)).reminded == 0
    assert run_supervision(now=at(2026, 11, 5, 0, 1)).reminded == 1
    assert run_supervision(now=at(2026, 11, 6, 9)).reminded == 0
    assert citizen.notifications.filter(topic="correction_reminder", channel="in_app").count() == 1


def test_a_bad_ratings_rectification_is_flagged_when_due_and_when_late(make_application, citizen, clerk, item):
    from apps.evaluation.services import rate_application
    app = make_application(submitted_at=at(2026, 11, 2, 10))
    services.reject_application(application_id=app.pk, actor=clerk, reason="材料不符", now=at(2026, 11, 2, 11))
    rate_application(application_id=app.pk, rater=citizen, score=1, comment="等了很久", now=at(2026, 11, 2, 12))
    # Due 11/9 (five working days): yellow on the day, red after it.
    assert run_supervision(now=at(2026, 11, 9, 8)).flagged[RECTIFICATIONS_WARNING] == 1
    assert run_supervision(now=at(2026, 11, 10, 8)).flagged[RECTIFICATIONS_OVERDUE] == 1
    assert Alert.objects.filter(kind="rectification").count() == 2


def test_a_case_deemed_accepted_already_late_is_flagged_with_its_alerts(make_application, item):
    """Deemed accepted as of its receipt, the case starts red: the flag comes with its alerts like any other
    (the soak found it red with no alert, so nobody was told)."""
    app = make_application(submitted_at=at(2026, 11, 2, 10))  # promised 5 working days, steps of 3 and 2
    run_supervision(now=at(2026, 11, 10, 0, 5))   # deemed accepted as of 11/2: the first step was due 11/5
    assert flags(app) == ("overdue", "overdue")
    assert set(Alert.objects.filter(application=app).values_list("kind", "level")) == {("step", "overdue"),
                                                                                       ("application", "overdue")}
    assert Alert.objects.filter(application=app, notified_at__isnull=False).count() == 2
    run_supervision(now=at(2026, 11, 10, 9))
    assert Alert.objects.filter(application=app).count() == 2


def test_a_resume_that_leaves_a_step_red_raises_the_alert_of_its_new_deadline(make_application, approver,
                                                                             one_day_item):
    app = make_application(item=one_day_item, submitted_at=at(2026, 11, 27, 10), accepted_at=at(2026, 11, 27, 10))
    run_supervision(now=at(2026, 12, 1, 9))
    services.suspend_application(application_id=app.pk, actor=approver, kind="hearing", reason="听证",
                                 now=at(2026, 12, 1, 10))
    services.resume_application(application_id=app.pk, actor=approver, now=at(2026, 12, 3, 10))
    run_supervision(now=at(2026, 12, 3, 11))
    step = app.steps.get()
    assert flags(app) == ("overdue", "overdue")
    # One red alert for each deadline the step had: 11/30, then 12/2 after two working days paused.
    assert sorted(Alert.objects.filter(step=step, level="overdue").values_list("due_at", flat=True)) == [
        at(2026, 12, 1), at(2026, 12, 3)]
    run_supervision(now=at(2026, 12, 3, 12))
    assert Alert.objects.filter(step=step, level="overdue").count() == 2
