"""Who applies: a person (自然人, resident ID number) or an enterprise (法人, unified social credit code) with the
person acting for it (经办人), online from its own account or at a window; identifiers checked and masked."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from apps.applications import audit, notices, selectors
from apps.applications.models import Application
from tests.factories import UserFactory, make_credit_code, make_id_number
from tests.helpers import APPLY, apply_at_window, apply_online, window_applicant

pytestmark = pytest.mark.django_db


def wrong_check(number: str) -> str:
    """The number with a wrong check character."""
    return number[:17] + ("1" if number[17] == "0" else "0")


def at_window(client, item, applicant):
    return client.post(APPLY, {"service_item": item.code, "channel": "window", "delivery_method": "window",
                               "applicant": applicant}, format="json")


def test_an_enterprise_account_applies_online_in_its_own_name_with_its_acting_person(as_user, enterprise, item):
    detail = apply_online(as_user(enterprise), item)
    assert detail["applicant"] == {
        "kind": "enterprise", "name": "深圳市示范科技有限公司", "id_number": "",
        "credit_code": enterprise.credit_code, "agent_name": "李经办",
        "agent_id_number": enterprise.agent_id_number[:6] + "********" + enterprise.agent_id_number[-4:],
        "phone": enterprise.phone[:3] + "****" + enterprise.phone[-4:]}
    application = Application.objects.get(pk=detail["id"])
    assert (application.applicant, application.applicant_id_number) == (enterprise, "")


def test_a_person_applies_online_as_before(as_user, citizen, item):
    applicant = apply_online(as_user(citizen), item)["applicant"]
    assert applicant["kind"] == "person" and applicant["credit_code"] == applicant["agent_name"] == ""
    assert applicant["id_number"] == citizen.masked_id_number != citizen.id_number


def test_an_enterprise_account_opened_before_the_agents_id_number_was_asked_still_applies(as_user, item):
    older = UserFactory(enterprise=True, agent_id_number="")
    detail = apply_online(as_user(older), item)
    assert detail["applicant"]["agent_name"] == "李经办" and detail["applicant"]["agent_id_number"] == ""


def test_an_enterprise_account_without_its_acting_person_is_told_what_is_missing(as_user, item):
    response = as_user(UserFactory(enterprise=True, agent_name="")).post(
        APPLY, {"service_item": item.code, "channel": "online", "delivery_method": "electronic"}, format="json")
    assert response.status_code == 400 and "applicant" in response.json()


def test_a_window_application_for_an_enterprise_is_seen_by_its_account_and_no_one_elses(as_user, clerk, enterprise,
                                                                                        item):
    detail = apply_at_window(as_user(clerk), item, enterprise)
    assert detail["applicant"]["kind"] == "enterprise" and detail["visits_count"] == 1
    assert Application.objects.get(pk=detail["id"]).applicant == enterprise
    assert [a["id"] for a in as_user(enterprise).get(APPLY).json()["results"]] == [detail["id"]]
    other = UserFactory(enterprise=True)
    assert as_user(other).get(f"{APPLY}{detail['id']}/").status_code == 404


def test_a_window_application_for_an_enterprise_without_an_account_belongs_to_no_account(as_user, clerk, item):
    body = {"name": "深圳市无账号有限公司", "credit_code": make_credit_code(77).lower(), "agent_name": "周经办",
            "agent_id_number": make_id_number(77), "phone": "0755-83334444"}
    response = at_window(as_user(clerk), item, body)
    assert response.status_code == 201, response.json()
    application = Application.objects.get(pk=response.json()["id"])
    assert application.applicant is None and application.applicant_credit_code == make_credit_code(77)


def test_the_person_with_the_ID_number_of_an_enterprises_agent_does_not_get_the_enterprises_application(
        as_user, clerk, citizen, item):
    body = {**window_applicant(UserFactory.build(enterprise=True)), "agent_id_number": citizen.id_number}
    detail = at_window(as_user(clerk), item, body).json()
    assert Application.objects.get(pk=detail["id"]).applicant is None
    assert as_user(citizen).get(APPLY).json()["count"] == 0


@pytest.mark.parametrize("change, field", [
    ({"credit_code": wrong_check(make_credit_code(5))}, "credit_code"),
    ({"credit_code": "91440300MA5F0000I1"}, "credit_code"),              # I is not in the alphabet
    ({"agent_id_number": wrong_check(make_id_number(5))}, "agent_id_number"),
    ({"agent_name": ""}, "agent_name"),
    ({"agent_id_number": ""}, "agent_id_number"),
    ({"id_number": make_id_number(6)}, "credit_code"),                    # a person's and an enterprise's at once
    ({"credit_code": "", "kind": "enterprise"}, "credit_code"),
    ({"kind": "person"}, "credit_code"),                                  # a person has no credit code
])
def test_a_bad_enterprise_applicant_is_a_400_on_its_field(as_user, clerk, item, change, field):
    body = {**window_applicant(UserFactory.build(enterprise=True)), **change}
    response = at_window(as_user(clerk), item, body)
    assert response.status_code == 400
    assert field in response.json()["applicant"], response.json()
    assert not Application.objects.exists()


@pytest.mark.parametrize("change, field", [
    ({"id_number": ""}, "id_number"),
    ({"agent_name": "李经办"}, "agent_name"),                             # only an enterprise has an agent
    ({"kind": "enterprise"}, "credit_code"),
])
def test_a_bad_person_applicant_is_a_400_on_its_field(as_user, clerk, citizen, item, change, field):
    response = at_window(as_user(clerk), item, {**window_applicant(citizen), **change})
    assert response.status_code == 400
    assert field in response.json()["applicant"], response.json()


def test_the_database_keeps_an_applicant_a_person_or_an_enterprise(as_user, citizen, item):
    application = Application.objects.get(pk=apply_online(as_user(citizen), item)["id"])
    for broken in ({"applicant_credit_code": make_credit_code(1)},            # both
                   {"applicant_id_number": ""},                                # neither
                   {"agent_name": "李经办"},                                    # a person with an agent
                   {"applicant_id_number": "", "applicant_credit_code": make_credit_code(1)}):  # no agent
        with pytest.raises(IntegrityError), transaction.atomic():
            Application.objects.filter(pk=application.pk).update(**broken)


def test_lists_and_details_mask_every_resident_id_number_but_show_credit_codes(as_user, clerk, manager, citizen,
                                                                             enterprise, item):
    apply_at_window(as_user(clerk), item, citizen)
    apply_at_window(as_user(clerk), item, enterprise)
    listed = as_user(manager).get(APPLY)
    text = listed.content.decode() + "".join(
        as_user(manager).get(f"{APPLY}{row['id']}/").content.decode() for row in listed.json()["results"])
    assert citizen.id_number not in text and enterprise.agent_id_number not in text
    assert citizen.masked_id_number in text and enterprise.credit_code in text
    assert {row["applicant"]["kind"] for row in listed.json()["results"]} == {"person", "enterprise"}


def test_the_list_filters_by_credit_code_and_the_counter_queues_find_it(as_user, clerk, citizen, enterprise, item):
    apply_at_window(as_user(clerk), item, citizen)
    mine = apply_at_window(as_user(clerk), item, enterprise)
    found = as_user(clerk).get(APPLY, {"credit_code": enterprise.credit_code.lower()}).json()["results"]
    assert [row["id"] for row in found] == [mine["id"]]
    assert [a.pk for a in selectors.intake_queue(clerk, search=enterprise.credit_code.lower())] == [mine["id"]]


def test_the_notices_name_the_enterprise_its_code_and_its_acting_person_masked(as_user, clerk, enterprise, item):
    application = Application.objects.get(pk=apply_at_window(as_user(clerk), item, enterprise)["id"])
    application.decision_reason = "不属于本机关职权范围"
    _title, lines, _rows = notices._body(application, "refusal")
    named = next(line for line in lines if enterprise.credit_code in line)
    assert enterprise.name in named and "李经办" in named and application.masked_agent_id_number in named
    assert enterprise.agent_id_number not in "".join(lines)


def test_a_persons_notices_carry_the_masked_id_number(as_user, clerk, citizen, item):
    application = Application.objects.get(pk=apply_at_window(as_user(clerk), item, citizen)["id"])
    application.decision_reason = "不属于本机关职权范围"
    lines = notices._body(application, "refusal")[1]
    assert any(citizen.masked_id_number in line for line in lines)
    assert citizen.id_number not in "".join(lines)


# ---- the migration ------------------------------------------------------------------------------------------

BEFORE = [("applications", "0007_list_order_indexes")]
AFTER = [("applications", "0008_enterprise_applicants")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def migrate_to_latest():
    """Every app back at its newest migration (going back also unapplied the later ones that depend on it)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_applications_from_before_the_migration_are_persons_and_their_audit_chains_verify(as_user, citizen, clerk,
                                                                                          item):
    person = apply_at_window(as_user(clerk), item, citizen)
    try:
        migrate(BEFORE)
        migrate(AFTER)
        application = Application.objects.get(pk=person["id"])
        assert (application.applicant_kind, application.applicant_id_number) == ("person", citizen.id_number)
        assert application.event_count >= 1 and list(audit.verify_all()) == []
    finally:
        migrate_to_latest()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_back_is_refused_while_an_enterprise_has_applied(as_user, enterprise, item):
    apply_online(as_user(enterprise), item)
    try:
        with pytest.raises(RuntimeError, match="enterprise applicant"):
            migrate(BEFORE)
        assert Application.objects.get().applicant_credit_code == enterprise.credit_code
    finally:
        migrate_to_latest()
