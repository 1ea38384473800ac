"""Delivery channels. Each `send` raises on failure; the task retries."""

import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from apps.accounts.identity import mask_phone

from .models import Channel, Notification

logger = logging.getLogger(__name__)


class SmsGateway(ABC):
    """The interface an SMS provider implements (短信网关); chosen by the SMS_GATEWAY setting."""

    @abstractmethod
    def send(self, phone: str, text: str) -> None:
        """Send or raise; the caller retries."""


class LoggingSmsGateway(SmsGateway):
    """Writes the message to the log: for development and for districts without a gateway contract yet."""

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)  # phone numbers are masked in logs


def sms_gateway() -> SmsGateway:
    return import_string(settings.SMS_GATEWAY)()


def deliver(notification: Notification) -> None:
    if notification.channel == Channel.IN_APP:
        return  # the row itself is the in-app message
    if notification.channel == Channel.EMAIL:
        send_mail(notification.subject, notification.body, None, [notification.address])
        return
    sms_gateway().send(notification.address, sms_text(notification))


def sms_text(notification: Notification) -> str:
    """One text message: the subject, then the body, joined the way the product's language does it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(subject)s: %(body)s") % {"subject": notification.subject, "body": notification.body}
