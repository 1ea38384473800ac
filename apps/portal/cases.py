"""An applicant's own applications: what each needs from them now, said in plain words."""

from django.utils.translation import gettext_lazy as _

from apps.applications.models import Application, DeliveryMethod, Status


def missing_materials(application: Application) -> list:
    """Required materials of the item with no file uploaded yet (the clerk accepts only a complete set)."""
    uploaded = {m.material_id for m in application.materials.all()}
    return [m for m in application.item_version.materials.all() if m.required and m.pk not in uploaded]


def needed_now(application: Application, actions: list[str], *, rated: bool) -> str:
    """The one thing the applicant should do next, or an empty string when it is the office's turn."""
    if "resubmit" in actions:
        return _("Correct the materials listed in the correction notice, then send them back.")
    if "upload_material" in actions and missing_materials(application):
        return _("Upload every required material so that the application can be accepted.")
    if "rate" in actions and not rated:
        return _("Rate the service.")
    if application.status == Status.APPROVED and application.delivery_method == DeliveryMethod.WINDOW:
        return _("Collect the result at the hall.")
    return ""
