"""An application's status said in plain words to the person who applied (and to the public tracking page)."""

from django.utils.translation import gettext_lazy as _

from apps.applications.models import Status

STATUS_WORDS = {
    Status.SUBMITTED: _("Received; a clerk will check it within 5 working days."),
    Status.CORRECTION_REQUESTED: _("Some materials need correcting before it can be accepted."),
    Status.ACCEPTED: _("Accepted; the department is examining it."),
    Status.APPROVED: _("Approved; the result is being prepared for delivery."),
    Status.DENIED: _("Not approved; the decision states the reasons and your right to appeal."),
    Status.REJECTED: _("Not accepted; the notice states the reasons."),
    Status.DELIVERED: _("Finished; the result has been delivered."),
    Status.WITHDRAWN: _("Withdrawn at your request."),
}


def status_words(status: str) -> str:
    return STATUS_WORDS.get(status, "")
