"""A small fixed history whose figures are computed by hand in the tests.

Around National Day 2025: 1-8 October are rest days; Sunday 28 September and
Saturday 11 October are working days. Items: A (SAMR, promised 5 = steps 3 + 2,
legal 20, at most one visit) and B (HEALTH, promised 10 = steps 8 + 2, legal 20,
zero visits).

a1 A accepted Mon 1 Sep, steps approved 3 and 4 Sep: 3 working days, on time; rated 5.
a2 A accepted Tue 30 Sep, both steps approved Thu 9 Oct: 1 working day (the holiday is not
   counted), on time; two visits (over A's limit of one); rated 2, answered in time.
a3 A accepted 1 Sep, paused 2-5 Sep (3 working days), decided Fri 12 Sep: 9 - 3 = 6 working
   days, late (due 11 Sep); one visit; rated 3.
a4 B accepted 1 Sep, extended by 10 on 5 Sep, denied at its first step Mon 22 Sep: 15
   working days, on time (due Sun 28 Sep, a working day); never delivered, so delivered late.
a5 B submitted 1 Sep, deemed accepted on 9 Sep as of 1 Sep, still open and overdue.
a6 A submitted 2 Sep and withdrawn.  a7 A given a second correction notice.
"""

import pytest

from apps.applications import services
from apps.evaluation.services import answer_rectification, rate_application
from apps.supervision.services import flag_applications, flag_steps
from tests.factories import ServiceItemFactory, hand_in_materials
from tests.helpers import at

PERIOD = {"date_from": "2025-09-01", "date_to": "2025-10-31"}


def _approve_all(application, approver, *moments):
    for step, moment in zip(application.steps.order_by("order"), moments, strict=True):
        services.approve_step(application_id=application.pk, step_id=step.pk, actor=approver, comment="同意",
                              now=moment)


@pytest.fixture
def item_b(other_department):
    return ServiceItemFactory(code="000201001000", name="医师执业注册", department=other_department,
                              promised_limit_days=10, legal_limit_days=20, max_visits=0)


@pytest.fixture
def history(item, item_b, citizen, clerk, approver, other_approver, district_manager):
    def submit(it, moment):
        return services.submit_application(actor=citizen, item=it, channel="online",
                                           delivery_method="electronic", now=moment)

    def accept(it, moment):
        application = submit(it, moment)
        hand_in_materials(application, clerk, moment)
        return services.accept_application(application_id=application.pk, actor=clerk, now=moment)

    def deliver(application, moment):
        services.deliver_application(application_id=application.pk, clerk=clerk, method="electronic", now=moment)

    a1 = accept(item, at(2025, 9, 1, 10))
    _approve_all(a1, approver, at(2025, 9, 3, 10), at(2025, 9, 4, 10))
    deliver(a1, at(2025, 9, 4, 15))
    rate_application(application_id=a1.pk, rater=citizen, score=5, comment="", now=at(2025, 9, 5, 10))

    a2 = accept(item, at(2025, 9, 30, 10))
    services.record_visit(application_id=a2.pk, clerk=clerk, purpose="consult", now=at(2025, 9, 30, 11))
    _approve_all(a2, approver, at(2025, 10, 9, 10), at(2025, 10, 9, 11))
    services.record_visit(application_id=a2.pk, clerk=clerk, purpose="collect", now=at(2025, 10, 9, 15))
    deliver(a2, at(2025, 10, 9, 15))
    rating = rate_application(application_id=a2.pk, rater=citizen, score=2, comment="跑了两次",
                              now=at(2025, 10, 10, 10))
    answer_rectification(rectification_id=rating.rectification.pk, actor=approver, answer="已核实并改进",
                         now=at(2025, 10, 13, 10))

    a3 = accept(item, at(2025, 9, 1, 10))
    services.record_visit(application_id=a3.pk, clerk=clerk, purpose="consult", now=at(2025, 9, 1, 11))
    services.suspend_application(application_id=a3.pk, actor=approver, kind="inspection", reason="现场核查",
                                 now=at(2025, 9, 2, 10))
    services.resume_application(application_id=a3.pk, actor=approver, now=at(2025, 9, 5, 10))
    _approve_all(a3, approver, at(2025, 9, 12, 10), at(2025, 9, 12, 11))
    deliver(a3, at(2025, 9, 12, 15))
    rate_application(application_id=a3.pk, rater=citizen, score=3, comment="", now=at(2025, 9, 15, 10))

    a4 = accept(item_b, at(2025, 9, 1, 10))
    services.extend_application(application_id=a4.pk, actor=district_manager, days=10, reason="需专家论证",
                                now=at(2025, 9, 5, 10))
    first = a4.steps.order_by("order").first()
    services.deny_step(application_id=a4.pk, step_id=first.pk, actor=other_approver, reason="条件不符",
                       now=at(2025, 9, 22, 10))

    a5 = submit(item_b, at(2025, 9, 1, 10))
    services.deem_accept_application(application_id=a5.pk, now=at(2025, 9, 9, 9))

    a6 = submit(item, at(2025, 9, 2, 10))
    services.withdraw_application(application_id=a6.pk, actor=citizen, now=at(2025, 9, 2, 11))

    a7 = submit(item, at(2025, 9, 2, 10))
    material = a7.item_version.materials.first()
    services.request_correction(application_id=a7.pk, actor=clerk, items=[{"material": material.pk,
                                                                            "problem": "缺少签名"}],
                                note="", now=at(2025, 9, 3, 10))
    services.resubmit_application(application_id=a7.pk, actor=citizen, now=at(2025, 9, 4, 10))
    services.request_correction(application_id=a7.pk, actor=clerk, items=[{"material": material.pk,
                                                                            "problem": "签名不清"}],
                                note="", violation_reason="上次漏看", now=at(2025, 9, 5, 10))

    flag_applications(now=at(2025, 12, 1, 9))
    flag_steps(now=at(2025, 12, 1, 9))
    return {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "a6": a6, "a7": a7}
