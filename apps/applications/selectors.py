"""Reads: which applications a user may see, inboxes, and the querysets the API serializes."""

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from apps.accounts.models import Role

from . import clock
from .models import (
    Application,
    CorrectionNotice,
    Event,
    Extension,
    Flag,
    ReceivedMaterial,
    Status,
    Step,
    StepStatus,
    Suspension,
    UploadedMaterial,
    Visit,
)

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
        return qs if user.is_district_manager else qs.filter(_department_scope(user.department_id))
    return qs.none()


# The columns a row of a list shows (ApplicationListOutputSerializer), and nothing else.
LIST_COLUMNS = [
    "id", "tracking_number", "applicant", "applicant_name", "applicant_id_number", "applicant_credit_code",
    "agent_name", "agent_id_number", "applicant_phone", "status", "flag", "suspended", "channel", "delivery_method",
    "submitted_at", "received_on", "intake_due_on", "accepted_at", "deemed_accepted", "due_date", "legal_due_date",
    "decided_at", "delivered_at",
    "service_item__code", "item_version__name", "item_version__number", "item_version__max_visits",
    "item_version__promised_limit_days", "item_version__legal_limit_days",
    "department__code", "department__name", "hall__code", "hall__name",
]


def _visits_of_row() -> Subquery:
    """Counted per row shown: a GROUP BY over the join would count the visits of every matching row first."""
    return Subquery(Visit.objects.filter(application=OuterRef("pk")).order_by()
                    .values("application").annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def with_visits(qs: QuerySet[Application]) -> QuerySet[Application]:
    """跑动: `visits_total` and `visits_within_limit` (最多跑一次: no more visits than the item allows)."""
    return qs.annotate(visits_total=Coalesce(_visits_of_row(), 0)).annotate(visits_within_limit=Case(
        When(visits_total__lte=F("item_version__max_visits"), then=Value(True)), default=Value(False),
        output_field=BooleanField()))


def application_list(user) -> QuerySet[Application]:
    """Newest first (an index on (submitted_at, id) serves each page); only the columns a row shows."""
    return with_visits(visible_applications(user).select_related("service_item", "item_version", "department", "hall")
                       .only(*LIST_COLUMNS)).order_by("-submitted_at", "-id")


class ApplicationFilter(filters.FilterSet):
    """The filters of the application list (API contract: status, service_item, flag, department)."""

    status = filters.ChoiceFilter(choices=Status.choices)
    service_item = filters.CharFilter(field_name="service_item__code", help_text=_("Service item code."))
    flag = filters.ChoiceFilter(choices=Flag.choices)
    department = filters.CharFilter(field_name="department__code", help_text=_("Department code."))
    tracking_number = filters.CharFilter(lookup_expr="icontains", help_text=_("Part of a tracking number."))
    credit_code = filters.CharFilter(method="filter_credit_code",
                                     help_text=_("An enterprise applicant's whole unified social credit code."))

    class Meta:
        model = Application
        fields = ["status", "service_item", "flag", "department", "tracking_number", "credit_code"]

    def filter_credit_code(self, queryset, name, value):
        return queryset.filter(applicant_credit_code=value.strip().upper())


def _detail_prefetches(*, nothing_yet: bool = False) -> list:
    """The related lists of the detail. `nothing_yet`: the application has seen no action since it was
    submitted, so the lists only an action fills are known to be empty and cost no query."""
    lists = {
        "steps": Prefetch("steps", queryset=Step.objects.select_related("department", "assignee", "finished_by")),
        "materials": Prefetch("materials", queryset=UploadedMaterial.objects.select_related("material")),
        "received_materials": Prefetch("received_materials",
                                       queryset=ReceivedMaterial.objects.select_related("material")),
        "events": Prefetch("events", queryset=Event.objects.select_related("actor").order_by("seq")),
        "visits": Prefetch("visits", queryset=Visit.objects.select_related("hall", "window")),
        "correction_notices": "correction_notices", "suspensions": "suspensions", "extensions": "extensions",
    }
    if nothing_yet:
        for name, model in FILLED_BY_ACTIONS.items():
            lists[name] = Prefetch(name, queryset=model.objects.none())
    return list(lists.values())


# Each is written only by an action after the submission, and every action records an event.
FILLED_BY_ACTIONS = {"steps": Step, "materials": UploadedMaterial, "received_materials": ReceivedMaterial,
                     "correction_notices": CorrectionNotice, "suspensions": Suspension, "extensions": Extension}


def _detail_row(user, pk) -> QuerySet[Application]:
    return (with_visits(visible_applications(user).filter(pk=pk))
            .select_related("service_item", "item_version", "department", "hall", "window", "applicant"))


def application_detail(user, pk) -> QuerySet[Application]:
    return _detail_row(user, pk).prefetch_related(*_detail_prefetches())


def submitted_application_detail(user, pk) -> Application | None:
    """The detail answering a submission: the same as `application_detail`, without reading the lists that
    only an action fills, while the row shows none has happened (its one event is the submission's)."""
    application = _detail_row(user, pk).first()
    if application is not None:
        prefetch_related_objects([application], *_detail_prefetches(nothing_yet=application.event_count == 1))
    return application


def application_for_action(user, pk) -> QuerySet[Application]:
    """What the permission rules read before an action: the item and the steps, nothing more."""
    return visible_applications(user).filter(pk=pk).select_related("service_item").prefetch_related("steps")


def step_inbox(user) -> QuerySet[Step]:
    """待办: the steps in progress an approver or manager works on, the most urgent first.

    An approver's are their department's (assigned to them or to nobody); a department manager's,
    all of the department's; a district manager's, every department's.
    """
    qs = Step.objects.filter(status=StepStatus.ACTIVE)
    if user.role == Role.APPROVER:
        qs = qs.filter(department_id=user.department_id).filter(Q(assignee__isnull=True) | Q(assignee=user))
    elif user.role == Role.MANAGER:
        qs = qs if user.is_district_manager else qs.filter(department_id=user.department_id)
    else:
        return qs.none()
    return (qs.select_related("application", "application__item_version", "department", "assignee")
            .order_by("due_at", "id"))


class InboxFilter(filters.FilterSet):
    flag = filters.ChoiceFilter(choices=Flag.choices)
    mine = filters.BooleanFilter(method="filter_mine", help_text=_("Only steps assigned to me."))

    class Meta:
        model = Step
        fields = ["flag", "mine"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value else queryset


def uploaded_material(application: Application, pk) -> UploadedMaterial | None:
    return application.materials.filter(pk=pk).first()


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


def _searched(qs: QuerySet[Application], search: str) -> QuerySet[Application]:
    """A counter queue's search: part of a tracking number or the applicant's name, or an enterprise's whole
    credit code."""
    if not search:
        return qs
    return qs.filter(Q(tracking_number__icontains=search) | Q(applicant_name__icontains=search)
                     | Q(applicant_credit_code=search.upper()))


def intake_queue(user, *, search: str = "") -> QuerySet[Application]:
    """收件待办: applications waiting for a decision at intake (online submissions, corrections returned) and
    those waiting for the applicant's corrections, the longest-waiting first."""
    qs = (visible_applications(user)
          .filter(status__in=[Status.SUBMITTED, Status.CORRECTION_REQUESTED])
          .select_related("item_version", "hall")
          .order_by("received_on", "id"))
    return _searched(qs, search)


def awaiting_delivery(user, *, search: str = "") -> QuerySet[Application]:
    """待送达: decided applications whose result is still to be handed over or sent, the oldest decision first."""
    qs = (visible_applications(user)
          .filter(status__in=[Status.APPROVED, Status.DENIED])
          .select_related("item_version", "hall")
          .order_by("decided_at", "id"))
    return _searched(qs, search)
