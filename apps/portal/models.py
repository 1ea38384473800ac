"""The portal's own data: an online application not yet sent (草稿), kept on the server."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.applications.models import DeliveryMethod


class Draft(models.Model):
    """What an applicant has chosen for an item so far, so that closing the browser or signing in elsewhere
    loses nothing. One per applicant and item; files are chosen again (a browser cannot restore them)."""

    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    service_item = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+")
    delivery_method = models.CharField(_("delivery method"), max_length=16, choices=DeliveryMethod.choices,
                                       blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("draft application")
        verbose_name_plural = _("draft applications")
        constraints = [models.UniqueConstraint(fields=["applicant", "service_item"], name="draft_one_per_item")]
