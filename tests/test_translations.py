"""The Simplified Chinese catalogue: complete, well-formed, compiled, and used by default.

Refresh after adding strings (the `make messages` sequence):
    .venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench --ignore=tests
    (translate every new or fuzzy entry in locale/zh_Hans/LC_MESSAGES/django.po)
    .venv/bin/python manage.py compilemessages --ignore=.venv
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import polib
import pytest
from django.conf import settings
from django.utils import timezone, translation

from apps.applications import messages as applicant_messages
from apps.applications import notices, states
from apps.applications.models import Status
from apps.notifications.channels import sms_text
from tests.factories import ServiceItemFactory

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO_PATH = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

# The arguments of the refresh command; a regenerated catalogue must come out the same way.
MAKEMESSAGES = ["makemessages", "-l", "zh_Hans", "--ignore=.venv", "--ignore=var", "--ignore=bench",
                "--ignore=tests"]

def read_po(path: Path) -> polib.POFile:
    return polib.pofile(str(path), encoding="utf-8")


def messages(catalogue: polib.POFile) -> list[polib.POEntry]:
    """The live entries (obsolete `#~` ones left out); polib keeps the header apart."""
    return [entry for entry in catalogue if not entry.obsolete]


def msgstrs(entry: polib.POEntry) -> list[str]:
    """Every translation of an entry: one per plural form, or the one msgstr."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def is_done(entry: polib.POEntry) -> bool:
    return "fuzzy" not in entry.flags and all(msgstrs(entry))


@pytest.fixture(scope="module")
def po_entries():
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages"
    return read_po(PO_PATH)


# ---- the catalogue itself ------------------------------------------------------------------------------------


def test_every_entry_is_translated_and_none_is_fuzzy(po_entries):
    assert not po_entries.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert "charset=UTF-8" in po_entries.metadata["Content-Type"]
    entries = messages(po_entries)
    assert len(entries) > 300
    untranslated = [entry.msgid for entry in entries if not all(msgstrs(entry))]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools are not installed")
def test_msgfmt_accepts_the_catalogue(tmp_path):
    result = subprocess.run(  # noqa: S603  fixed arguments
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO_PATH)],  # noqa: S607
        capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"})
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


# `%(name)s`, `%s`, `%d`, `%%` ... (only where the entry is a python-format string) and `{}` / `{name}`.
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa%]")
_NAMED = re.compile(r"%\([^)]*\)[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa]")
_BRACES = re.compile(r"\{[^{}]*\}")


def placeholders(text: str, python_format: bool) -> Counter:
    found = Counter(_BRACES.findall(text))
    found.update(_PERCENT.findall(text) if python_format else _NAMED.findall(text))
    return found


def test_every_placeholder_is_kept(po_entries):
    wrong = []
    for entry in messages(po_entries):
        python_format = "python-format" in entry.flags
        expected = placeholders(entry.msgid_plural or entry.msgid, python_format)
        for msgstr in msgstrs(entry):
            if placeholders(msgstr, python_format) != expected:
                wrong.append((entry.msgid, msgstr))
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(map(repr, wrong))


def test_html_in_a_message_is_kept(po_entries):
    for entry in messages(po_entries):
        tags = Counter(re.findall(r"</?[a-z]+", entry.msgid))
        for msgstr in msgstrs(entry):
            assert Counter(re.findall(r"</?[a-z]+", msgstr)) == tags, entry.msgid


def test_the_mo_file_is_compiled_from_the_current_po(po_entries):
    """The committed .mo serves a machine without gettext: it must hold exactly what the .po says."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog = {key: value for key, value in compiled._catalog.items() if key != ""}
    expected = {}
    for entry in messages(po_entries):
        if not is_done(entry):
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            expected.update({(msgid, n): text for n, text in enumerate(msgstrs(entry))})
        else:
            expected[msgid] = entry.msgstr
    assert catalog == expected, "django.mo is out of date: run compilemessages"


# ---- the catalogue against the source ---------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
                    reason="gettext tools are not installed")
def test_the_catalogue_covers_the_current_source(tmp_path, po_entries):
    """Regenerate the catalogue from a copy of the tree: nothing may come out new, changed or fuzzy."""
    root = Path(settings.BASE_DIR)
    skip = {".venv", "var", "bench", "tests", "node_modules"}
    copy = tmp_path / "tree"
    copy.mkdir()
    for child in root.iterdir():
        if child.name in skip or child.name.startswith("."):
            continue
        if child.is_dir():
            shutil.copytree(child, copy / child.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(child, copy / child.name)
    env = {**os.environ, "GOVSERVICE_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "govservice.settings",
           "PYTHONPATH": str(copy), "LC_ALL": "C.UTF-8"}
    result = subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES],  # noqa: S603  fixed arguments
                            cwd=copy, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr

    committed = {(entry.msgctxt, entry.msgid) for entry in messages(po_entries)}
    regenerated = messages(read_po(copy / PO_PATH.relative_to(root)))
    new = [entry.msgid for entry in regenerated if (entry.msgctxt, entry.msgid) not in committed]
    not_done = [entry.msgid for entry in regenerated if not is_done(entry)]
    assert not new and not not_done, (
        "the source has strings the catalogue lacks; run `make messages` and translate them.\n"
        f"new: {new}\nuntranslated or fuzzy after the refresh: {not_done}")


# ---- what users see -------------------------------------------------------------------------------------------


NOTICE_WORDING = {
    "Notice of Acceptance": "受理通知书",
    "Notice of Non-acceptance": "不予受理通知书",
    "One-time Notice of Materials to Correct": "一次性告知补正材料通知书",
    "Decision Not to Grant the Licence": "不予行政许可决定书",
    "Decision Not to Approve the Application": "不予批准决定书",
    "(seal)": "（盖章）",
    "%(who)s:": "%(who)s：",
    "%(y)s-%(m)s-%(d)s": "%(y)s年%(m)s月%(d)s日",
}


def test_written_notices_use_the_formal_chinese_wording():
    with translation.override("zh-hans"):
        assert {source: translation.gettext(source) for source in NOTICE_WORDING} == NOTICE_WORDING
    with translation.override("en"):
        assert translation.gettext("Notice of Acceptance") == "Notice of Acceptance"


def test_home_page_is_in_chinese_by_default_and_in_english_on_request(client):
    chinese = client.get("/")
    assert chinese.status_code == 200
    page = chinese.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "一窗通办政务服务" in page and "服务指南" in page
    assert "One-window government services" not in page

    # What browsers actually send.
    assert "一窗通办政务服务" in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8").content.decode()

    for accept in ("en", "en-US,en;q=0.9"):
        english = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
        assert english.status_code == 200
        page = english.content.decode()
        assert '<html lang="en">' in page
        assert "One-window government services" in page
        assert "政务服务" not in page


@pytest.mark.django_db
def test_public_catalogue_errors_are_in_chinese_by_default(api_client):
    response = api_client.get("/api/v1/service-items/", {"max_visits": "abc"})
    assert response.status_code == 400
    [message] = response.json()["max_visits"]
    assert re.search(r"[\u4e00-\u9fff]", message), message

    response = api_client.get("/api/v1/service-items/", {"max_visits": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    [message] = response.json()["max_visits"]
    assert not re.search(r"[\u4e00-\u9fff]", message), message


@pytest.mark.django_db
def test_public_catalogue_labels_follow_the_language(api_client):
    item = ServiceItemFactory(item_type="licensing")
    url = f"/api/v1/service-items/{item.code}/"
    assert api_client.get(url).json()["item_type_display"] == "01 行政许可"
    english = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["item_type_display"] == "Administrative licensing (01 行政许可)"


@pytest.mark.django_db
def test_our_own_api_messages_are_in_chinese_by_default(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "nobody", "password": "wrong-password"},
                               format="json")
    assert response.status_code in {400, 401}
    assert response.json()["detail"] == "用户名或密码错误。"


# ---- wording found in review -----------------------------------------------------------------------------------


def test_the_api_schema_follows_the_language(client):
    def accept_operation(**headers):
        response = client.get("/api/schema/", {"format": "json"}, **headers)
        assert response.status_code == 200
        return response.json()["paths"]["/api/v1/applications/{id}/accept/"]["post"]

    chinese = accept_operation(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese["summary"] == "受理"
    assert re.search(r"[\u4e00-\u9fff]", chinese["description"]), chinese["description"]
    english = accept_operation(HTTP_ACCEPT_LANGUAGE="en")
    assert english["summary"] == "Accept (受理)"
    assert english["description"].startswith("Starts the clock")


def test_a_refused_transition_names_the_action_in_the_readers_language():
    assert all(transition.label for transition in states.TRANSITIONS.values())
    submitted = SimpleNamespace(status=Status.SUBMITTED, suspended=False)
    with translation.override("zh-hans"), pytest.raises(states.TransitionNotAllowed) as refused:
        states.require(submitted, "approve_step")
    assert refused.value.message == "该办件当前状态为“已提交”，现在不能执行“审批环节通过”操作。"
    with translation.override("en"), pytest.raises(states.TransitionNotAllowed) as refused:
        states.require(submitted, "approve_step")
    assert "“approve a step”" in refused.value.message


def _notice_application(item_type: str):
    item = SimpleNamespace(name="食品经营许可", item_type=item_type, promised_limit_days=10, legal_limit_days=20)
    return SimpleNamespace(item_version=item, applicant_name="张三", is_enterprise=False,
                           masked_id_number="110105********002X", tracking_number="GS2026030500001",
                           verification_code="AB12CD", decision_reason="材料不符合法定条件。",
                           accepted_at=None, due_date=date(2026, 3, 19), received_on=date(2026, 3, 5),
                           deemed_accepted=True)


def test_notices_write_every_date_the_same_way():
    application = _notice_application("licensing")
    application.accepted_at = timezone.make_aware(datetime(2026, 3, 5, 10))
    with translation.override(notices.NOTICE_LANGUAGE):
        title, lines, _rows = notices._body(application, "acceptance")
    text = "\n".join(lines)
    assert "2026年3月19日" in text and "2026年3月5日" in text
    assert "2026-03" not in text


@pytest.mark.parametrize(("item_type", "title", "decision"), [
    ("licensing", "不予行政许可决定书", "本机关决定不予行政许可"),
    ("payment", "不予批准决定书", "本机关决定不予批准"),
    ("public_service", "不予批准决定书", "本机关决定不予批准"),
])
def test_a_denial_is_called_what_the_item_type_calls_it(item_type, title, decision):
    with translation.override(notices.NOTICE_LANGUAGE):
        written_title, lines, _rows = notices._body(_notice_application(item_type), "denial")
    assert written_title == title
    assert "110105********002X" in lines[0] and lines[1] == "张三："  # the applicant, then the salutation
    assert decision in lines[2]


def test_a_refusal_message_ends_with_the_reason_as_its_own_clause():
    application = _notice_application("licensing")
    application.decision_reason = "申请材料不齐全"   # no final full stop
    with translation.override("zh-hans"):
        for action in ("denied", "rejected"):
            _subject, body = applicant_messages._text(application, action)
            assert body.endswith("。理由：申请材料不齐全"), body
    with translation.override("en"):
        _subject, body = applicant_messages._text(application, "denied")
    assert body.endswith("bring a lawsuit. Reason: 申请材料不齐全"), body


def test_an_sms_joins_subject_and_body_in_the_products_language():
    with translation.override("en"):
        text = sms_text(SimpleNamespace(subject="您的申请已受理", body="请留意办理进度。"))
    assert text == "您的申请已受理：请留意办理进度。"


@pytest.mark.django_db
def test_the_administration_names_the_system(client):
    page = client.get("/admin/login/").content.decode()
    assert "一窗通办政务服务管理后台" in page and "Django" not in page
    page = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "One-window government services — administration" in page
