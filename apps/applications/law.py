"""The numbers of the law (中华人民共和国行政许可法) and of local practice, in one place.

Services, serializers, notices and supervision read them from here, so a change of
rule is one edit. Every period counts working days (art. 82, see apps.workdays).
"""

from django.conf import settings

# art. 32: no decision to accept, refuse or ask for corrections within this many working days of receipt
# means the application is accepted as of its receipt (逾期视为受理).
INTAKE_WORKDAYS = 5

# art. 42: the head of the agency may extend the limit once, by up to ten (joint handling: fifteen) working days.
MAX_EXTENSION_WORKDAYS = 15
EXTENSIONS_ALLOWED = 1

# art. 44: the result is delivered within this many working days of the decision (送达).
DELIVERY_WORKDAYS = 10

# The applicant's remedies against a decision or a refusal, told in every notice (art. 38): administrative
# reconsideration within 60 days of receiving it (行政复议法 art. 20), a lawsuit within 6 months (行政诉讼法 art. 46).
RECONSIDERATION_DAYS = 60
LAWSUIT_MONTHS = 6

# 好差评: the department answers a bad rating within this many working days (整改时限; local practice 5 to 15).
RECTIFICATION_WORKDAYS = 5


def correction_reminder_workdays() -> int:
    """Working days after a correction notice before the applicant is reminded (local practice, configurable)."""
    return settings.CORRECTION_REMINDER_WORKDAYS
