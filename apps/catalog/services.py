"""Writes to the catalogue: validating and publishing service items."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ItemContent, ItemVersion, MaterialContent, ServiceItem, StepContent, VersionMaterial, VersionStep


def validate_item_content(item: ItemContent) -> None:
    """The rules every item must keep; raised as field errors for the admin and the API."""
    errors = {}
    legal, promised = item.legal_limit_days, item.promised_limit_days
    if legal is not None and promised is not None and promised > legal:
        errors["promised_limit_days"] = _(
            "The promised limit (%(promised)s working days) cannot exceed the legal limit (%(legal)s).")\
            % {"promised": promised, "legal": legal}
    if item.instant and promised:
        errors["promised_limit_days"] = _("An instant item (即办件) is decided on the spot: its promised "
                                          "limit must be 0 working days.")
    if not item.instant and promised == 0:
        errors["promised_limit_days"] = _("A promised item needs a limit of at least 1 working day; "
                                          "mark it as instant if it is decided on the spot.")
    if item.max_visits and not (item.visit_reason or "").strip():
        errors["visit_reason"] = _("Say why the applicant has to come in person when the item needs a visit.")
    if errors:
        raise ValidationError(errors)


def validate_steps(*, promised_limit_days: int, instant: bool, steps: Iterable[tuple[int, int]]) -> None:
    """Steps are (order, allotted_days); their days must fit within the promised limit."""
    steps = list(steps)
    orders = [order for order, _days in steps]
    if len(set(orders)) != len(orders):
        raise ValidationError(_("Two approval steps have the same order number."))
    total = sum(days for _order, days in steps)
    if instant and total:
        raise ValidationError(_("An instant item's steps are done on the spot: give each step 0 days."))
    if total > promised_limit_days:
        raise ValidationError(
            _("The approval steps take %(total)s working days in all, more than the promised limit of "
              "%(promised)s.") % {"total": total, "promised": promised_limit_days})
    if not instant and not steps:
        raise ValidationError(_("A promised item needs at least one approval step."))


def _copy(source, target, fields):
    for field in fields:
        setattr(target, field, getattr(source, field))


def _same_content(version: ItemVersion, item: ServiceItem) -> bool:
    def rows(qs, fields):
        return [tuple(getattr(row, f) for f in fields) for row in qs]

    return (
        all(getattr(version, f) == getattr(item, f) for f in ItemContent.GUIDE_FIELDS)
        and rows(version.materials.all(), MaterialContent.CONTENT_FIELDS)
        == rows(item.materials.all(), MaterialContent.CONTENT_FIELDS)
        and rows(version.steps.all(), StepContent.CONTENT_FIELDS)
        == rows(item.steps.all(), StepContent.CONTENT_FIELDS)
    )


def publish_item(*, item: ServiceItem) -> ItemVersion:
    """Make the item's current content its published version.

    An unused current version is updated in place; a frozen one (an application
    uses it) is left as it is and a new version is published. Nothing changes
    when the content is the same. The caller's `item` learns its current version
    too, so that a later `item.save()` cannot write an older one back.
    """
    with transaction.atomic():
        version = _publish_locked(ServiceItem.objects.select_for_update().get(pk=item.pk))
    item.current_version = version
    return version


def _publish_locked(item: ServiceItem) -> ItemVersion:
    validate_item_content(item)
    validate_steps(promised_limit_days=item.promised_limit_days, instant=item.instant,
                   steps=item.steps.values_list("order", "allotted_days"))
    current = (ItemVersion.objects.select_for_update().filter(pk=item.current_version_id).first()
               if item.current_version_id else None)
    if current is not None and _same_content(current, item):
        return current
    if current is not None and current.frozen_at is None:
        version = current
        version.published_at = timezone.now()  # the guide the public reads changed now
        version.materials.all().delete()
        version.steps.all().delete()
    else:
        last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = ItemVersion(item=item, number=last + 1)
    _copy(item, version, ItemContent.GUIDE_FIELDS)
    version.save()
    VersionMaterial.objects.bulk_create(
        VersionMaterial(version=version, **{f: getattr(m, f) for f in MaterialContent.CONTENT_FIELDS})
        for m in item.materials.all())
    VersionStep.objects.bulk_create(
        VersionStep(version=version, **{f: getattr(s, f) for f in StepContent.CONTENT_FIELDS})
        for s in item.steps.all())
    if item.current_version_id != version.pk:
        ServiceItem.objects.filter(pk=item.pk).update(current_version=version)
    return version


def use_current_version(*, item: ServiceItem) -> ItemVersion:
    """The version a new application is bound to; from now on it never changes.

    Called inside the caller's transaction so that freezing and the application that
    caused it commit together. Nothing is locked once the version is frozen (the usual
    case), so applications for the same item never wait on each other; only the first
    use takes the version's row, which is what `publish_item` checks under its lock.
    """
    current = ServiceItem.objects.filter(pk=item.pk, active=True).values("current_version_id")
    version = ItemVersion.objects.filter(pk=Subquery(current)).first()
    if version is None:
        raise ValidationError(_("This service item is not open for applications."))
    if version.frozen_at is not None:
        return version  # a frozen version never changes again: the row read is the one to use
    # First use. Freeze the row read, unless a publish edited it in place since (it sets a new publication time)...
    now = timezone.now()
    unfrozen = ItemVersion.objects.filter(pk=version.pk, frozen_at__isnull=True)
    if unfrozen.filter(published_at=version.published_at).update(frozen_at=now):
        version.frozen_at = now
        return version
    # ...else freeze whatever it is now, and use it as it is.
    unfrozen.update(frozen_at=now)
    return ItemVersion.objects.get(pk=version.pk)
