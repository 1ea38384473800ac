"""What every application service shares: the locked row and the recorded transition."""

from datetime import datetime

from django.shortcuts import get_object_or_404

from .. import states
from ..audit import record_event
from ..messages import tell_applicant
from ..models import Application


def lock(application_id: int, action: str) -> Application:
    """The application, locked for this transaction, after checking the action is allowed now."""
    application = get_object_or_404(
        Application.objects.select_for_update().select_related("item_version"), pk=application_id)
    states.require(application, action)
    return application


def save_transition(application: Application, *, actor, action: str, now: datetime, from_status: str,
                    fields: list[str], payload: dict | None = None, tell: str | None = None) -> None:
    """Save, append the event and, with `tell`, queue the applicant's notification in the same transaction."""
    application.save(update_fields=fields)
    record_event(application, actor=actor, action=action, now=now, from_status=from_status, payload=payload)
    if tell:
        tell_applicant(application, tell)
