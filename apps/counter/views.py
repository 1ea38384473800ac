"""The workbench pages: server-rendered reads through the selectors; every action is a form the page script
sends to /api/v1, with buttons from `allowed_actions` for the person signed in."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.applications import clock, law, permissions
from apps.applications import selectors as application_selectors
from apps.applications.completeness import missing_materials
from apps.applications.models import DeliveryMethod, Flag, StepStatus, SuspensionKind, VisitPurpose
from apps.applications.notices import available_notices
from apps.catalog import selectors as catalog_selectors
from apps.core.pages import render_page
from apps.evaluation.models import Rectification
from apps.evaluation.selectors import visible_rectifications
from apps.supervision.selectors import alert_list
from apps.workdays.calendar import workdays_between

from .access import workbench_view
from .words import event_words

QUEUE_SIZE = 50


@workbench_view()
def home(request):
    """A clerk's queues at intake and delivery; an approver's or manager's inbox, alerts and rectifications."""
    user, search = request.user, request.GET.get("q", "").strip()[:40]
    context = {"staff": user, "nav": "home", "search": search, "now": timezone.now(),
               "refresh_seconds": settings.WORKBENCH_REFRESH_SECONDS}
    if user.role == Role.CLERK:
        context.update(_clerk_queues(user, search))
        parts = {"where": "counter/parts/where.html", "queues": "counter/parts/queues.html"}
        return render_page(request, "counter/home_clerk.html", context, parts=parts)
    context.update(_inbox(user))
    parts = {"where": "counter/parts/where.html", "inbox": "counter/parts/inbox.html"}
    return render_page(request, "counter/home_office.html", context, parts=parts)


def _clerk_queues(user, search):
    today = clock.local_date(timezone.now())
    intake = list(application_selectors.intake_queue(user, search=search)[:QUEUE_SIZE])
    for application in intake:
        application.waiting_days = workdays_between(application.received_on, today)
        application.intake_left = law.INTAKE_WORKDAYS - application.waiting_days
    delivery = list(application_selectors.awaiting_delivery(user, search=search)[:QUEUE_SIZE])
    return {"intake": intake, "delivery": delivery, "intake_limit": law.INTAKE_WORKDAYS}


def _inbox(user):
    steps = list(application_selectors.step_inbox(user)[:QUEUE_SIZE * 2])
    counts = application_selectors.step_inbox(user).aggregate(
        total=Count("id"), warning=Count("id", filter=Q(flag=Flag.WARNING)),
        overdue=Count("id", filter=Q(flag=Flag.OVERDUE)), unassigned=Count("id", filter=Q(assignee__isnull=True)))
    alerts = list(alert_list(user).filter(acknowledged_at__isnull=True)[:QUEUE_SIZE])
    rectifications = list(visible_rectifications(user).filter(status=Rectification.Status.OPEN)
                          .order_by("due_date", "id")[:QUEUE_SIZE])
    return {"steps": steps, "counts": counts, "alerts": alerts, "rectifications": rectifications}


@workbench_view(Role.CLERK)
def intake(request):
    """Walk-in intake (综合窗口): find the item by name or code, then the applicant."""
    search = request.GET.get("q", "").strip()[:60]
    results = []
    if search:
        guides = catalog_selectors.PublicGuideFilter({"search": search}, catalog_selectors.public_guides())
        results = guides.qs[:15]
    guide = catalog_selectors.public_guide(code=request.GET["item"]) if request.GET.get("item") else None
    if request.GET.get("item") and guide is None:
        raise Http404
    context = {"nav": "intake", "search": search, "results": results, "guide": guide,
               "window_takes": guide is None or permissions.window_takes(request.user, guide.item),
               "delivery_methods": DeliveryMethod.choices}
    return render_page(request, "counter/intake.html", context, parts={"results": "counter/parts/item_results.html"})


@workbench_view()
def application(request, pk):
    """One application: what it is, where it stands, and what this person may do to it now."""
    found = application_selectors.application_detail(request.user, pk).first()
    if found is None:
        raise Http404
    return render_page(request, "counter/application.html", _application_context(request, found),
                       parts={"application": "counter/parts/application.html"})


def _application_context(request, application):
    user = request.user
    actions = set(permissions.allowed_actions(user, application))
    version = application.item_version
    steps = list(application.steps.all())
    active = next((s for s in steps if s.status == StepStatus.ACTIVE), None)
    uploaded = {}
    for upload in application.materials.all():
        uploaded.setdefault(upload.material_id, []).append(upload)
    received = {r.material_id: r for r in application.received_materials.all()}
    checklist = [{"material": m, "uploads": uploaded.get(m.pk, []), "received": received.get(m.pk)}
                 for m in version.materials.all()]
    missing = missing_materials(application) if {"accept", "request_correction"} & actions else []
    visits = application.visits_total
    today = clock.local_date(timezone.now())
    staff = []
    if "assign_step" in actions and user.role == Role.MANAGER and active is not None:
        staff = list(get_user_model().objects.filter(
            department_id=active.department_id, role__in=[Role.APPROVER, Role.MANAGER], is_active=True)
            .order_by("role", "name"))
    return {
        "nav": "", "app": application, "version": version, "actions": actions, "steps": steps, "active": active,
        "checklist": checklist, "missing": missing, "missing_ids": {m.pk for m in missing},
        "can_record_received": "receive_materials" in actions,
        "visits": visits, "max_visits": version.max_visits,
        "next_visit_breaks_limit": visits + 1 > version.max_visits,
        "events": [{"event": e, "words": event_words(e.action)} for e in application.events.all()],
        "notices": [(kind, reverse("application-notice", args=[application.pk, kind]))
                    for kind in available_notices(application)],
        "waiting_days": workdays_between(application.received_on, today)
        if application.accepted_at is None else None,
        "intake_limit": law.INTAKE_WORKDAYS, "suspension_kinds": SuspensionKind.choices,
        "delivery_methods": DeliveryMethod.choices, "visit_purposes": VisitPurpose.choices, "staff": staff,
        "fragment": reverse("counter:application", args=[application.pk]) + "?part=application",
    }
