"""What every application service shares: the locked row and the recorded transition."""

from datetime import datetime

from django.utils.translation import gettext as _

from apps.core.errors import NotFound

from .. import states
from ..audit import record_event
from ..messages import tell_applicant
from ..models import Application


def lock_for_action(application_id: int, action: str) -> Application:
    """The application, locked for this transaction, with `action` begun (checked against the state table)."""
    application = (Application.objects.select_for_update().select_related("item_version")
                   .filter(pk=application_id).first())
    if application is None:
        raise NotFound(_("No such application."))
    states.begin(application, action)
    return application


def save_transition(application: Application, *, actor, now: datetime, payload: dict | None = None) -> None:
    """Save what the action changed, append its event and queue the applicant's message, in one transaction.

    The event, the message and the changed fields all come from the action begun in `lock_for_action`.
    """
    change, fields, tell = states.finish(application)
    if fields:
        application.save(update_fields=fields)
    record_event(application, actor=actor, action=change.transition.event, now=now,
                 from_status=change.from_status, payload=payload)
    if tell:
        tell_applicant(application, tell)
