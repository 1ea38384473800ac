"""材料齐全: accepted only with every required material uploaded or received at the window."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.applications.models import Application, Event, ReceivedMaterial, Status
from apps.catalog.models import Material
from apps.catalog.services import publish_item
from tests.helpers import PDF, apply_at_window, apply_online, post, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def received(client, app_id, items):
    return client.post(url(app_id, "materials/received"), {"items": items}, format="json")


def materials(item):
    return list(item.current_version.materials.order_by("order"))


def test_an_incomplete_application_is_not_accepted_and_the_answer_lists_what_is_missing(as_user, citizen, clerk,
                                                                                        item):
    app = apply_online(as_user(citizen), item)
    first, second = materials(item)
    upload = SimpleUploadedFile("表.pdf", PDF, content_type="application/pdf")
    assert as_user(citizen).post(url(app["id"], "materials"), {"material": first.pk, "file": upload},
                                 format="multipart").status_code == 201
    refused = post(as_user(clerk), app["id"], "accept")
    assert refused.status_code == 400
    assert len(refused.json()["materials"]) == 1 and second.name in refused.json()["materials"][0]
    stored = Application.objects.get(pk=app["id"])
    assert stored.status == Status.SUBMITTED and not stored.steps.exists()
    assert not Event.objects.filter(application=stored, action="accepted").exists()
    detail = as_user(clerk).get(url(app["id"])).json()
    assert detail["missing_materials"] == [{"material": second.pk, "name": second.name}]

    assert received(as_user(clerk), app["id"], [{"material": second.pk, "original": True, "copies": 2}]
                    ).status_code == 200
    accepted = post(as_user(clerk), app["id"], "accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_the_clerk_records_paper_materials_and_may_correct_a_record(as_user, citizen, clerk, item):
    app = apply_at_window(as_user(clerk), item, citizen)
    first, second = materials(item)
    answer = received(as_user(clerk), app["id"], [{"material": first.pk, "original": True, "copies": 1},
                                                  {"material": second.pk, "copies": 3}])
    assert answer.status_code == 200
    assert answer.json()["missing_materials"] == []
    assert {(r["material"], r["original"], r["copies"]) for r in answer.json()["received_materials"]} == {
        (first.pk, True, 1), (second.pk, False, 3)}
    received(as_user(clerk), app["id"], [{"material": second.pk, "original": True, "copies": 0}])
    record = ReceivedMaterial.objects.get(application_id=app["id"], material=second)
    assert (record.original, record.copies) == (True, 0)
    assert Event.objects.filter(application_id=app["id"], action="materials_received").count() == 2


def test_an_optional_material_is_not_needed(as_user, citizen, clerk, item):
    Material.objects.create(item=item, order=3, name="委托书", required=False)
    publish_item(item=item)
    app = apply_at_window(as_user(clerk), item, citizen)
    received(as_user(clerk), app["id"], [{"material": m.pk, "original": True, "copies": 1}
                                         for m in materials(item) if m.required])
    assert post(as_user(clerk), app["id"], "accept").status_code == 200


@pytest.mark.parametrize(("items", "field"), [
    ([], "items"),
    ([{"material": 999999, "original": True, "copies": 1}], "items"),
    ([{"material": "x"}], "items"),
    ([{"material": "FIRST", "original": False, "copies": 0}], "items"),
    ([{"material": "FIRST"}, {"material": "FIRST"}], "items"),
    ([{"material": "FIRST", "copies": 99}], "items"),
])
def test_a_bad_record_is_a_clear_400_and_records_nothing(as_user, citizen, clerk, item, items, field):
    app = apply_at_window(as_user(clerk), item, citizen)
    first = materials(item)[0].pk
    items = [{**i, "material": first} if i.get("material") == "FIRST" else i for i in items]
    answer = received(as_user(clerk), app["id"], items)
    assert answer.status_code == 400 and field in answer.json()
    assert not ReceivedMaterial.objects.exists()


def test_only_a_clerk_records_and_only_before_acceptance(as_user, citizen, clerk, approver, item):
    app = apply_online(as_user(citizen), item)
    items = [{"material": m.pk, "original": True, "copies": 1} for m in materials(item)]
    assert received(as_user(citizen), app["id"], items).status_code == 403
    assert received(as_user(approver), app["id"], items).status_code == 403
    assert received(as_user(clerk), app["id"], items).status_code == 200
    assert post(as_user(clerk), app["id"], "accept").status_code == 200
    assert received(as_user(clerk), app["id"], items).status_code == 409
