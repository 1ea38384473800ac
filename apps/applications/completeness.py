"""材料齐全: an application is accepted only with every required material of its item version in hand.

A material is in hand when a file of it was uploaded or a clerk recorded it as received at a window.
"""

from django.utils.translation import gettext as _

from apps.catalog.models import VersionMaterial
from apps.core.errors import RuleBroken

from .models import Application


def missing_materials(application: Application) -> list[VersionMaterial]:
    """The required materials of the application's item version that are neither uploaded nor received."""
    return list(application.item_version.materials.filter(required=True)
                .exclude(pk__in=application.materials.values("material_id"))
                .exclude(pk__in=application.received_materials.values("material_id"))
                .order_by("order", "id"))


def require_complete_materials(application: Application) -> None:
    """400 (`materials`) listing each missing material, so the clerk corrects or refuses instead."""
    missing = missing_materials(application)
    if missing:
        raise RuleBroken({"materials": [
            _("Required material missing: %(name)s (neither uploaded nor received at the window).")
            % {"name": material.name} for material in missing]})
