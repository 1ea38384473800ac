"""窗口收取材料: the clerk records which paper materials the applicant handed in at the window."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import RuleBroken

from ..models import ReceivedMaterial
from .common import lock_for_action, save_transition


def record_received_materials(*, application_id: int, actor, items: list[dict], now: datetime
                              ) -> list[ReceivedMaterial]:
    """Each item `{material, original, copies}` is recorded (or corrected, if recorded before) in one event."""
    if not items:
        raise RuleBroken({"items": _("Tick at least one material that was handed in.")})
    with transaction.atomic():
        application = lock_for_action(application_id, "receive_materials")
        known = {m.pk: m for m in application.item_version.materials.all()}
        unknown = [item["material"] for item in items if item["material"] not in known]
        if unknown:
            raise RuleBroken({"items": _("These materials are not asked for by this item: %(ids)s")
                                   % {"ids": ", ".join(map(str, unknown))}})
        if len({item["material"] for item in items}) != len(items):
            raise RuleBroken({"items": _("Each material is listed once.")})
        for item in items:
            if not item["original"] and item["copies"] < 1:
                raise RuleBroken({"items": _("%(name)s: record the original or at least one copy.")
                                       % {"name": known[item["material"]].name}})
        received = [ReceivedMaterial.objects.update_or_create(
            application=application, material_id=item["material"],
            defaults={"original": item["original"], "copies": item["copies"], "received_by": actor,
                      "received_at": now})[0] for item in items]
        save_transition(application, actor=actor, now=now,
                        payload={"items": [{"material": r.material_id, "name": known[r.material_id].name,
                                         "original": r.original, "copies": r.copies} for r in received]})
    return received
