"""Reads: which applications a user may see, inboxes, and the querysets the API serializes."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.crypto import constant_time_compare

from apps.accounts.models import Role

from . import clock
from .models import Application, Event, Status, Step, StepStatus

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


def application_list(user, *, filters: dict | None = None) -> QuerySet[Application]:
    qs = (visible_applications(user)
          .select_related("service_item", "item_version", "department", "hall")
          .annotate(visits_total=Count("visits", distinct=True))
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
                "materials__material", "received_materials__material",
                Prefetch("events", queryset=Event.objects.select_related("actor").order_by("seq")),
                "visits__hall", "visits__window", "correction_notices", "suspensions", "extensions"))


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
    """The application behind a public tracking request, only with the right verification code."""
    application = (Application.objects.select_related("item_version")
                   .filter(tracking_number=tracking_number).first())
    if application is None or not code or not constant_time_compare(application.verification_code, code):
        return None
    return application


def track_view(application: Application) -> dict:
    """What the public may know: the item, the status, the dates, the timeline; nothing personal."""
    timeline = [{"at": at, "status": to_status}
                for at, from_status, to_status in application.events.order_by("seq")
                .values_list("at", "from_status", "to_status") if from_status != to_status]
    current = application.steps.filter(status=StepStatus.ACTIVE).values_list("name", flat=True).first()
    return {
        "tracking_number": application.tracking_number,
        "service_item_name": application.item_version.name,
        "status": application.status,
        "suspended": application.suspended,
        "submitted_at": application.submitted_at,
        "accepted_at": application.accepted_at,
        "due_date": application.due_date,
        "due_date_provisional": clock.provisional(application.due_date),
        "current_step": current,
        "timeline": timeline,
    }


def awaiting_deemed_acceptance(today) -> QuerySet[Application]:
    """Submitted applications whose 5-working-day intake period ended before `today` (逾期视为受理)."""
    return Application.objects.filter(status=Status.SUBMITTED, intake_due_on__lt=today).order_by("pk")


def intake_queue(user, *, search: str = "") -> QuerySet[Application]:
    """收件待办: applications waiting for a decision at intake (online submissions, corrections returned) and
    those waiting for the applicant's corrections, the longest-waiting first."""
    qs = (visible_applications(user)
          .filter(status__in=[Status.SUBMITTED, Status.CORRECTION_REQUESTED])
          .select_related("item_version", "hall")
          .order_by("received_on", "id"))
    if search:
        qs = qs.filter(Q(tracking_number__icontains=search) | Q(applicant_name__icontains=search))
    return qs


def awaiting_delivery(user, *, search: str = "") -> QuerySet[Application]:
    """待送达: decided applications whose result is still to be handed over or sent, the oldest decision first."""
    qs = (visible_applications(user)
          .filter(status__in=[Status.APPROVED, Status.DENIED])
          .select_related("item_version", "hall")
          .order_by("decided_at", "id"))
    if search:
        qs = qs.filter(Q(tracking_number__icontains=search) | Q(applicant_name__icontains=search))
    return qs
