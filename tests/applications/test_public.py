"""Public tracking (no personal data, 404 on a wrong code, rate-limited) and the written PDF notices."""

import pytest
from django.utils import translation

from apps.applications import notices
from apps.applications.api.views import TrackThrottle
from apps.applications.models import Application
from tests.helpers import active_step, apply_online, hand_in_at_window, post

pytestmark = pytest.mark.django_db


def test_tracking_shows_progress_but_nothing_personal(api_client, as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
    hand_in_at_window(as_user(clerk), app["id"])
    post(as_user(clerk), app["id"], "accept")
    response = api_client.get(f"/api/v1/track/{app['tracking_number']}/", {"code": app["verification_code"]})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted" and body["due_date"]
    assert [entry["status"] for entry in body["timeline"]] == ["submitted", "accepted"]
    text = response.content.decode()
    for personal in (citizen.name, citizen.id_number, citizen.phone, citizen.username):
        assert personal not in text


def test_a_wrong_or_missing_code_is_a_plain_404(api_client, as_user, citizen, item):
    app = apply_online(as_user(citizen), item)
    assert api_client.get(f"/api/v1/track/{app['tracking_number']}/", {"code": "WRONG123"}).status_code == 404
    assert api_client.get(f"/api/v1/track/{app['tracking_number']}/").status_code == 404
    assert api_client.get("/api/v1/track/NOPE-1/", {"code": "X"}).status_code == 404


def test_tracking_is_rate_limited_per_address(api_client, monkeypatch):
    monkeypatch.setattr(TrackThrottle, "THROTTLE_RATES", {"track": "2/min"})
    codes = [api_client.get("/api/v1/track/NOPE-1/", {"code": "X"}).status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_a_forged_forwarded_for_does_not_escape_the_tracking_limit(api_client, monkeypatch):
    monkeypatch.setattr(TrackThrottle, "THROTTLE_RATES", {"track": "2/min"})
    codes = [api_client.get("/api/v1/track/NOPE-1/", {"code": "X"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
             .status_code for i in range(3)]
    assert codes == [404, 404, 429]


@pytest.mark.parametrize("path", ["accept", "reject", "request-correction", "approve", "deny"])
def test_each_written_notice_is_a_pdf(path, as_user, citizen, clerk, approver, item):
    app = apply_online(as_user(citizen), item)
    material = item.current_version.materials.first().pk
    if path == "reject":
        detail = post(as_user(clerk), app["id"], "reject", {"reason": "不属于本机关职权范围"}).json()
        kind = "refusal"
    elif path == "request-correction":
        detail = post(as_user(clerk), app["id"], "request-correction",
                      {"items": [{"material": material, "problem": "缺少签字"}]}).json()
        kind = "correction"
    else:
        hand_in_at_window(as_user(clerk), app["id"])
        detail = post(as_user(clerk), app["id"], "accept").json()
        kind = "acceptance"
        if path == "deny":
            step = next(s for s in detail["steps"] if s["status"] == "active")
            detail = post(as_user(approver), app["id"], f"steps/{step['id']}/deny",
                          {"reason": "场所不符合要求"}).json()
            kind = "denial"
        if path == "approve":
            for _ in range(2):
                detail = post(as_user(approver), app["id"], f"steps/{active_step(detail)['id']}/approve").json()
            kind = "approval"
    assert kind in detail["notices"]
    assert detail["notices"][kind].startswith("http://testserver/api/v1/")  # a URI, as the schema says
    response = as_user(citizen).get(detail["notices"][kind])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert as_user(citizen).get(detail["notices"][kind].replace(kind, "nonsense")).status_code == 404


def _approve(client, application_id):
    detail = client.get(f"/api/v1/applications/{application_id}/").json()
    for _ in range(2):
        detail = post(client, application_id, f"steps/{active_step(detail)['id']}/approve").json()
    return detail


def test_the_approval_decision_is_issued_on_approval_and_kept_after_delivery(as_user, citizen, clerk, approver,
                                                                              item):
    app = apply_online(as_user(citizen), item)
    pdf = f"/api/v1/applications/{app['id']}/notices/approval.pdf"
    assert as_user(citizen).get(pdf).status_code == 404  # submitted
    hand_in_at_window(as_user(clerk), app["id"])
    accepted = post(as_user(clerk), app["id"], "accept").json()
    assert "approval" not in accepted["notices"]
    assert as_user(citizen).get(pdf).status_code == 404  # accepted, not decided
    approved = _approve(as_user(approver), app["id"])
    assert approved["status"] == "approved" and "denial" not in approved["notices"]
    assert as_user(citizen).get(approved["notices"]["approval"]).content.startswith(b"%PDF")
    delivered = post(as_user(clerk), app["id"], "deliver", {"method": "electronic"}).json()
    assert delivered["status"] == "delivered" and "denial" not in delivered["notices"]
    response = as_user(clerk).get(delivered["notices"]["approval"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{app["tracking_number"]}-approval.pdf"'


def test_a_denied_application_has_no_approval_decision(as_user, citizen, clerk, approver, item):
    app = apply_online(as_user(citizen), item)
    hand_in_at_window(as_user(clerk), app["id"])
    step = active_step(post(as_user(clerk), app["id"], "accept").json())
    post(as_user(approver), app["id"], f"steps/{step['id']}/deny", {"reason": "场所面积不足"})
    delivered = post(as_user(clerk), app["id"], "deliver", {"method": "electronic"}).json()
    assert "denial" in delivered["notices"] and "approval" not in delivered["notices"]
    assert as_user(citizen).get(f"/api/v1/applications/{app['id']}/notices/approval.pdf").status_code == 404


def test_only_those_who_may_see_the_application_get_its_approval_decision(as_user, citizen, other_citizen, clerk,
                                                                          other_approver, approver, item):
    app = apply_online(as_user(citizen), item)
    hand_in_at_window(as_user(clerk), app["id"])
    post(as_user(clerk), app["id"], "accept")
    pdf = _approve(as_user(approver), app["id"])["notices"]["approval"]
    assert as_user(citizen).get(pdf).status_code == 200
    assert as_user(other_citizen).get(pdf).status_code == 404
    assert as_user(other_approver).get(pdf).status_code == 404  # another department
    assert as_user(None).get(pdf).status_code in (401, 403)


def test_the_approval_decision_states_what_the_law_asks(as_user, citizen, clerk, approver, item):
    app = apply_online(as_user(citizen), item, delivery="mail", delivery_address="深圳市某区某路 8 号")
    hand_in_at_window(as_user(clerk), app["id"])
    post(as_user(clerk), app["id"], "accept")
    _approve(as_user(approver), app["id"])
    application = Application.objects.get(pk=app["id"])
    with translation.override("en"):
        title, lines, rows = notices._body(application, "approval")
    text = "\n".join(lines)
    assert title == "Decision to Grant the Licence" and rows is None  # the item is an administrative licence
    assert f"Decision number: {app['tracking_number']}" in text
    assert f"{application.applicant_name}:" in text and "食品经营许可" in text and "to grant the licence" in text
    assert f"Legal basis: {application.item_version.legal_basis}" in text
    assert "By mail" in text and "深圳市某区某路 8 号" in text and "10 working days" in text
    assert "administrative reconsideration within 60 days" in text and "lawsuit within 6 months" in text
