"""Writes of the portal: saving a draft."""

from datetime import datetime

from .models import Draft


def save_draft(*, applicant, service_item, delivery_method: str, delivery_address: str, now: datetime) -> Draft:
    """保存草稿: the latest choices replace the earlier ones."""
    draft, _created = Draft.objects.update_or_create(
        applicant=applicant, service_item=service_item,
        defaults={"delivery_method": delivery_method, "delivery_address": delivery_address, "updated_at": now})
    return draft
