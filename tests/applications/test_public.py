"""Public tracking (no personal data, 404 on a wrong code, rate-limited) and the written PDF notices."""

import pytest

from apps.applications.api.views import TrackThrottle
from tests.helpers import apply_online, post

pytestmark = pytest.mark.django_db


def test_tracking_shows_progress_but_nothing_personal(api_client, as_user, citizen, clerk, item):
    app = apply_online(as_user(citizen), item)
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


@pytest.mark.parametrize("path", ["accept", "reject", "request-correction", "deny"])
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
        detail = post(as_user(clerk), app["id"], "accept").json()
        kind = "acceptance"
        if path == "deny":
            step = next(s for s in detail["steps"] if s["status"] == "active")
            detail = post(as_user(approver), app["id"], f"steps/{step['id']}/deny",
                          {"reason": "场所不符合要求"}).json()
            kind = "denial"
    assert kind in detail["notices"]
    assert detail["notices"][kind].startswith("http://testserver/api/v1/")  # a URI, as the schema says
    response = as_user(citizen).get(detail["notices"][kind])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert as_user(citizen).get(detail["notices"][kind].replace(kind, "nonsense")).status_code == 404
