"""`?format=` names a representation; one the endpoint does not have is bad input (400), not a missing page."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            formats = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise ValidationError({self.settings.URL_FORMAT_OVERRIDE: [
                _("Use one of: %(values)s.") % {"values": formats}]})
        return matching
