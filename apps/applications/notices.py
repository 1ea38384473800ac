"""Dated written notices (书面凭证) as PDF: acceptance, refusal, correction, approval, denial.

Official notices are issued in Chinese whatever the reader's interface language.
The text uses the Adobe-GB1 CID font every PDF reader resolves for Simplified
Chinese, so no font file ships with the project; set NOTICE_FONT_FILE to a TrueType
font to embed one instead.
"""

from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.catalog.models import ItemType

from . import law
from .models import Application, DeliveryMethod, Status

NOTICE_LANGUAGE = "zh-hans"


def available_notices(application: Application) -> list[str]:
    kinds = []
    if application.accepted_at:
        kinds.append("acceptance")
    if application.status == Status.REJECTED:
        kinds.append("refusal")
    if application.correction_notices.all():
        kinds.append("correction")
    # A delivered application was either approved or denied; only a denial has a reason.
    delivered = application.status == Status.DELIVERED
    if application.status == Status.APPROVED or (delivered and not application.decision_reason):
        kinds.append("approval")
    if application.status == Status.DENIED or (delivered and application.decision_reason):
        kinds.append("denial")
    return kinds


def _latest_correction(application: Application):
    return list(application.correction_notices.all())[-1]


def _font() -> str:
    path = settings.NOTICE_FONT_FILE
    name = "NoticeFont" if path else "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path) if path else UnicodeCIDFont(name))
    return name


def _day(day) -> str:
    """A calendar date the way the notice's language writes it (2026年3月5日)."""
    return _("%(y)s-%(m)s-%(d)s") % {"y": day.year, "m": day.month, "d": day.day}


def _date(moment) -> str:
    """The local calendar date of a moment, written like `_day`."""
    return _day(timezone.localdate(moment))


def _review_rights(*, notice: bool = False) -> str:
    """The applicant's rights of reconsideration and litigation against a decision, or a refusal (art. 38)."""
    periods = {"days": law.RECONSIDERATION_DAYS, "months": law.LAWSUIT_MONTHS}
    if notice:
        return _("If you disagree, you may apply for administrative reconsideration within %(days)s days of receiving "
                 "this notice, or bring an administrative lawsuit within %(months)s months.") % periods
    return _("If you disagree, you may apply for administrative reconsideration within %(days)s days of receiving "
             "this decision, or bring an administrative lawsuit within %(months)s months.") % periods


def _delivery(application: Application) -> str:
    """How the result reaches the applicant (art. 44): the method chosen, or the one it was delivered by."""
    line = _("The result is delivered within %(days)s working days of this decision: %(method)s.") % {
        "days": law.DELIVERY_WORKDAYS, "method": DeliveryMethod(application.delivery_method).label}
    if application.delivery_method == DeliveryMethod.MAIL and application.delivery_address:
        line += _(" Address: %(address)s.") % {"address": application.delivery_address}
    return line


def _applicant_line(application: Application) -> str:
    """Whom the notice is for: a person by their masked ID number; an enterprise by its (public) credit code and the
    person acting for it (经办人), whose ID number is masked."""
    if application.is_enterprise:
        return _("Applicant: %(name)s (unified social credit code %(code)s); acting person: %(agent)s%(agent_id)s") % {
            "name": application.applicant_name, "code": application.applicant_credit_code,
            "agent": application.agent_name,
            "agent_id": _(" (ID number %(id)s)") % {"id": application.masked_agent_id_number}
            if application.agent_id_number else ""}
    return _("Applicant: %(name)s (ID number %(id)s)") % {"name": application.applicant_name,
                                                         "id": application.masked_id_number}


def _body(application: Application, kind: str) -> tuple[str, list[str], list[list[str]] | None]:
    """The notice's title, its lines (the applicant named above the salutation) and its table, if any."""
    title, lines, rows = _text(application, kind)
    salutation = lines.index(_("%(who)s:") % {"who": application.applicant_name})
    lines.insert(salutation, _applicant_line(application))
    return title, lines, rows


def _text(application: Application, kind: str) -> tuple[str, list[str], list[list[str]] | None]:
    item = application.item_version
    who = application.applicant_name
    if kind == "acceptance":
        accepted = _date(application.accepted_at)
        lines = [
            _("%(who)s:") % {"who": who},
            _("Your application for “%(item)s” (tracking number %(no)s) was accepted on %(date)s.")
            % {"item": item.name, "no": application.tracking_number, "date": accepted},
            _("A decision will be made by %(due)s (promised limit %(days)s working days; the legal limit is "
              "%(legal)s working days).")
            % {"due": _day(application.due_date), "days": item.promised_limit_days,
               "legal": item.legal_limit_days},
            _("Follow the progress with tracking number %(no)s and verification code %(code)s.")
            % {"no": application.tracking_number, "code": application.verification_code},
        ]
        if application.deemed_accepted:
            lines.insert(1, _("No decision was made within %(days)s working days of receipt, so under article 32 "
                              "of the Administrative Licensing Law the application is accepted as of %(date)s.")
                         % {"days": law.INTAKE_WORKDAYS, "date": _day(application.received_on)})
        return _("Notice of Acceptance"), lines, None
    if kind == "refusal":
        return _("Notice of Non-acceptance"), [
            _("%(who)s:") % {"who": who},
            _("Your application for “%(item)s” (tracking number %(no)s) is not accepted, for these reasons:")
            % {"item": item.name, "no": application.tracking_number},
            application.decision_reason,
            _review_rights(notice=True),
        ], None
    if kind == "correction":
        notice = _latest_correction(application)
        lines = [
            _("%(who)s:") % {"who": who},
            _("Your application for “%(item)s” (tracking number %(no)s) needs the corrections below. This notice "
              "lists everything to correct at once; bring or upload them and the application is received again "
              "on that day.") % {"item": item.name, "no": application.tracking_number},
        ]
        if notice.note:
            lines.append(notice.note)
        rows = [[_("No."), _("Material"), _("What to correct")]] + [
            [str(i), entry["name"], entry["problem"]] for i, entry in enumerate(notice.items, start=1)]
        return _("One-time Notice of Materials to Correct"), lines, rows
    if kind == "approval":
        # 准予行政许可决定书 is the licensing law's term (art. 38); every other kind of item is approved (准予批准).
        if item.item_type == ItemType.LICENSING:
            title = _("Decision to Grant the Licence")
            outcome = _("After review, your application for “%(item)s” meets the statutory conditions and "
                        "standards. It is decided on %(date)s to grant the licence.")
        else:
            title = _("Decision to Approve the Application")
            outcome = _("After review, your application for “%(item)s” meets the conditions. It is decided on "
                        "%(date)s to approve it.")
        return title, [
            _("Decision number: %(no)s") % {"no": application.tracking_number},
            _("%(who)s:") % {"who": who},
            outcome % {"item": item.name, "date": _date(application.decided_at)},
            _("Legal basis: %(basis)s") % {"basis": item.legal_basis},
            _delivery(application),
            _review_rights(),
        ], None
    # 不予行政许可决定书 is the licensing law's term; every other kind of item is refused approval (不予批准).
    if item.item_type == ItemType.LICENSING:
        title = _("Decision Not to Grant the Licence")
        outcome = _("After review, your application for “%(item)s” (tracking number %(no)s) is not granted, for "
                    "these reasons:")
    else:
        title = _("Decision Not to Approve the Application")
        outcome = _("After review, your application for “%(item)s” (tracking number %(no)s) is not approved, for "
                    "these reasons:")
    return title, [
        _("%(who)s:") % {"who": who},
        outcome % {"item": item.name, "no": application.tracking_number},
        application.decision_reason,
        _review_rights(),
    ], None


def render_notice(application: Application, kind: str) -> bytes:
    """The PDF bytes of one notice; `kind` must be one of `available_notices`."""
    with translation.override(NOTICE_LANGUAGE):
        font = _font()
        title, lines, rows = _body(application, kind)
        normal = ParagraphStyle("n", fontName=font, fontSize=12, leading=20, wordWrap="CJK", spaceAfter=6)
        heading = ParagraphStyle("h", parent=normal, fontSize=18, leading=26, alignment=1, spaceAfter=4)
        small = ParagraphStyle("s", parent=normal, fontSize=10, alignment=1)
        right = ParagraphStyle("r", parent=normal, alignment=2)
        issued = application.decided_at or application.accepted_at or timezone.now()
        if kind == "correction":
            issued = _latest_correction(application).issued_at
        story = [Paragraph(application.item_version.department.name, small), Paragraph(title, heading),
                 Paragraph(application.tracking_number, small), Spacer(1, 8 * mm)]
        story += [Paragraph(_escape(line), normal) for line in lines]
        if rows:
            table = Table([[Paragraph(_escape(cell), normal) for cell in row] for row in rows],
                          colWidths=[15 * mm, 65 * mm, 85 * mm])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "#444444"),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(table)
        story += [Spacer(1, 14 * mm), Paragraph(application.item_version.department.name + _("(seal)"), right),
                  Paragraph(_date(issued), right)]
        buffer = BytesIO()
        SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=22 * mm, rightMargin=22 * mm,
                          topMargin=25 * mm, bottomMargin=20 * mm).build(story)
        return buffer.getvalue()


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
