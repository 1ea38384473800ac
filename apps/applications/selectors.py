"""Reads: which applications a user may see, inboxes, and the querysets the API serializes."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.crypto import constant_time_compare

from apps.accounts.models import Role

from . import clock
from .models import Application, Event, Status, Step, StepStatus, UploadedMaterial, Visit

# A clerk at any hall may take in anything waiting at intake and hand over any result (通办).
AT_ANY_HALL = [Status.SUBMITTED, Status.CORRECTION_REQUESTED, Status.APPROVED, Status.DENIED]


def _department_scope(department_id) -> Q:
    steps_here = Step.objects.filter(application=OuterRef("pk"), department_id=department_id)
    return Q(department_id=department_id) | Q(Exists(steps_here))


def visible_applications(user) -> QuerySet[Application]:
    """Everything `user` may see; anything outside it answers 404."""
    qs = Application.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role == Role.ADMIN or user.is_superuser:
        return qs
    if user.role == Role.CITIZEN:
        return qs.filter(applicant=user)
    if user.role == Role.CLERK:
        return qs.filter(Q(hall_id=user.hall_id) | Q(status__in=AT_ANY_HALL))
    if user.role == Role.APPROVER:
        return qs.filter(_department_scope(user.department_id))
    if user.role == Role.MANAGER:
        return qs if user.department_id is None else qs.filter(_department_scope(user.department_id))
    return qs.none()


# The columns a row of a list shows (ApplicationListOutputSerializer), and nothing else.
LIST_COLUMNS = [
    "id", "tracking_number", "applicant_name", "applicant_id_number", "applicant_phone", "status", "flag",
    "suspended", "channel", "delivery_method", "submitted_at", "received_on", "intake_due_on", "accepted_at",
    "deemed_accepted", "due_date", "legal_due_date", "decided_at", "delivered_at",
    "service_item__code", "item_version__name", "item_version__number", "item_version__max_visits",
    "item_version__promised_limit_days", "item_version__legal_limit_days",
    "department__code", "department__name", "hall__code", "hall__name",
]


def _visits_of_row() -> Subquery:
    """Counted per row shown: a GROUP BY over the join would count the visits of every matching row first."""
    return Subquery(Visit.objects.filter(application=OuterRef("pk")).order_by()
                    .values("application").annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def application_list(user, *, filters: dict | None = None) -> QuerySet[Application]:
    """Newest first (an index on (submitted_at, id) serves each page); only the columns a row shows."""
    qs = (visible_applications(user)
          .select_related("service_item", "item_version", "department", "hall")
          .only(*LIST_COLUMNS)
          .annotate(visits_total=Coalesce(_visits_of_row(), 0))
          .order_by("-submitted_at", "-id"))
    filters = filters or {}
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("service_item"):
        qs = qs.filter(service_item__code=filters["service_item"])
    if filters.get("flag"):
        qs = qs.filter(flag=filters["flag"])
    if filters.get("department"):
        qs = qs.filter(department__code=filters["department"])
    if filters.get("tracking_number"):
        qs = qs.filter(tracking_number__icontains=filters["tracking_number"])
    return qs


def application_detail(user, pk) -> QuerySet[Application]:
    return (visible_applications(user).filter(pk=pk)
            .select_related("service_item", "item_version", "department", "hall", "window", "applicant")
            .annotate(visits_total=Count("visits", distinct=True))
            .prefetch_related(
                Prefetch("steps", queryset=Step.objects.select_related("department", "assignee", "finished_by")),
                Prefetch("materials", queryset=UploadedMaterial.objects.select_related("material")),
                Prefetch("events", queryset=Event.objects.select_related("actor").order_by("seq")),
                Prefetch("visits", queryset=Visit.objects.select_related("hall", "window")),
                "correction_notices", "suspensions", "extensions"))


def application_for_action(user, pk) -> QuerySet[Application]:
    """What the permission rules read before an action: the item and the steps, nothing more."""
    return visible_applications(user).filter(pk=pk).select_related("service_item").prefetch_related("steps")


def step_inbox(user, *, flag: str | None = None, mine: bool = False) -> QuerySet[Step]:
    """待办: the steps in progress an approver or manager works on, the most urgent first.

    An approver's are their department's (assigned to them or to nobody); a department manager's,
    all of the department's; a district manager's, every department's.
    """
    qs = Step.objects.filter(status=StepStatus.ACTIVE)
    if user.role == Role.APPROVER:
        qs = qs.filter(department_id=user.department_id).filter(Q(assignee__isnull=True) | Q(assignee=user))
    elif user.role == Role.MANAGER:
        qs = qs if user.department_id is None else qs.filter(department_id=user.department_id)
    else:
        return qs.none()
    if mine:
        qs = qs.filter(assignee=user)
    if flag:
        qs = qs.filter(flag=flag)
    return (qs.select_related("application", "application__item_version", "department", "assignee")
            .order_by("due_at", "id"))


def track(tracking_number: str, code: str) -> Application | None:
    """The application behind a public tracking request, only with the right verification code.

    One query: the columns the public sees, the item's name and the step in progress come with it.
    """
    current_step = Step.objects.filter(application=OuterRef("pk"), status=StepStatus.ACTIVE).order_by("order")
    application = (Application.objects.select_related("item_version")
                   .only("tracking_number", "verification_code", "status", "suspended", "submitted_at",
                         "accepted_at", "due_date", "item_version__name")
                   .annotate(current_step=Subquery(current_step.values("name")[:1]))
                   .filter(tracking_number=tracking_number).first())
    if application is None or not code or not constant_time_compare(application.verification_code, code):
        return None
    return application


def track_view(application: Application) -> dict:
    """What the public may know: the item, the status, the dates, the timeline; nothing personal."""
    timeline = [{"at": at, "status": to_status}
                for at, from_status, to_status in application.events.order_by("seq")
                .values_list("at", "from_status", "to_status") if from_status != to_status]
    return {
        "tracking_number": application.tracking_number,
        "service_item_name": application.item_version.name,
        "status": application.status,
        "suspended": application.suspended,
        "submitted_at": application.submitted_at,
        "accepted_at": application.accepted_at,
        "due_date": application.due_date,
        "due_date_provisional": clock.provisional(application.due_date),
        "current_step": application.current_step,
        "timeline": timeline,
    }


def awaiting_deemed_acceptance(today) -> QuerySet[Application]:
    """Submitted applications whose 5-working-day intake period ended before `today` (逾期视为受理)."""
    return Application.objects.filter(status=Status.SUBMITTED, intake_due_on__lt=today).order_by("pk")
