"""Reads the portal needs beyond those of the applications and the catalogue."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.applications.models import Application, Event, Status
from apps.evaluation.models import Rating

from .models import Draft


def public_decisions(*, search: str = "") -> QuerySet[Application]:
    """准予许可公示 (art. 40): approved applications, delivered or not, the latest decision first."""
    approved = Event.objects.filter(application=OuterRef("pk"), to_status=Status.APPROVED)
    qs = (Application.objects.filter(status__in=[Status.APPROVED, Status.DELIVERED], decided_at__isnull=False)
          .filter(Exists(approved))
          .select_related("item_version", "department")
          .only("tracking_number", "applicant_name", "applicant_credit_code", "decided_at", "item_version__name",
                "department__name")
          .order_by("-decided_at", "-pk"))
    search = search.strip()
    if search:
        qs = qs.filter(Q(item_version__name__icontains=search) | Q(department__name__icontains=search)
                       | Q(tracking_number__icontains=search)
                       | Q(applicant_credit_code__gt="", applicant_name__icontains=search)
                       | Q(applicant_credit_code=search.upper()))
    return qs


def public_applicant_name(application: Application) -> str:
    """An enterprise is named; a person never is (surname kept, the rest masked)."""
    if application.is_enterprise:
        return application.applicant_name
    name = application.applicant_name
    return name[:1] + "*" * max(len(name) - 1, 1)


def rating_of(application: Application) -> Rating | None:
    """The applicant's rating of this application, with the rectification a bad one opened."""
    return Rating.objects.filter(application=application).select_related("rectification").first()


def open_draft(*, applicant, service_item) -> Draft | None:
    """The applicant's draft for this item, unless they have sent an application for it since they saved it."""
    draft = Draft.objects.filter(applicant=applicant, service_item=service_item).first()
    if draft is None:
        return None
    sent_since = Application.objects.filter(applicant=applicant, service_item=service_item,
                                            submitted_at__gte=draft.updated_at).exists()
    return None if sent_since else draft


def rated_application_ids(user) -> set[int]:
    return set(Rating.objects.filter(rater=user).values_list("application_id", flat=True))
