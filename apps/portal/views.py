"""The citizen portal: server-rendered reads through the selectors; every action is a form sent to /api/v1."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from apps.accounts.models import Role
from apps.applications import selectors as applications
from apps.applications.api.views import TrackThrottle
from apps.applications.models import DeliveryMethod, Status
from apps.applications.notices import available_notices
from apps.applications.permissions import allowed_actions
from apps.catalog import selectors as catalog
from apps.catalog.models import Hall, ItemType
from apps.core.pages import render_page
from apps.evaluation.models import Score
from apps.notifications.selectors import my_notifications

from . import selectors as portal
from .access import applicant_view
from .cases import missing_materials, needed_now
from .plain import status_words

GUIDES_PER_PAGE = 20
DECISIONS_PER_PAGE = 20


def home(request):
    """The front page: the catalogue's search, tracking, public decisions; staff see the way to their pages."""
    staff = request.user.is_authenticated and request.user.role != Role.CITIZEN
    return render(request, "portal/home.html", {"nav": "home", "staff": staff})


def guides(request):
    """办事指南: the catalogue, searchable and filtered with the same filter set as the API."""
    found = catalog.PublicGuideFilter(request.GET, queryset=catalog.public_guides())
    items = found.qs if found.is_valid() else catalog.public_guides().none()
    page = Paginator(items, GUIDES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/guides.html", {
        "nav": "guides", "page": page, "filter": found, "query": query.urlencode(),
        "departments": catalog.departments(), "item_types": ItemType.choices, "hall_levels": Hall.Level.choices,
        "searched": bool(query),
    })


def guide(request, code):
    """One item's service guide (服务指南), every field, printable on one A4 page."""
    version = catalog.public_guide(code=code)
    if version is None:
        raise Http404
    return render(request, "portal/guide.html", {
        "nav": "guides", "guide": version, "halls": catalog.halls_taking(version.item_id),
    })


class TrackPageThrottle(TrackThrottle):
    """The tracking API's limit and counters, by client address, for a signed-in visitor as for anyone."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def track(request):
    """办件查询: tracking number and verification code, no sign-in, nothing personal, one message for any mismatch.

    Lookups count against the same per-address limit as the tracking API.
    """
    number = request.GET.get("tracking_number", "").strip().upper()
    code = request.GET.get("code", "").strip().upper()
    context = {"nav": "track", "number": number, "code": code, "errors": {}}
    status = 200
    if "tracking_number" in request.GET:
        if not number:
            context["errors"]["tracking_number"] = _("Enter the tracking number.")
        if not code:
            context["errors"]["code"] = _("Enter the verification code.")
    if number and code:
        throttle = TrackPageThrottle()
        if not throttle.allow_request(request, None):
            context["throttled"] = int(throttle.wait() or 1)
            status = 429
        else:
            application = applications.track(number, code)
            if application is None:
                context["errors"]["tracking_number"] = _(
                    "No application matches this tracking number and verification code. Check both and try again.")
            else:
                progress = applications.track_view(application)
                progress["words"] = status_words(progress["status"])
                progress["status_label"] = Status(progress["status"]).label
                for entry in progress["timeline"]:
                    entry["label"] = Status(entry["status"]).label
                context["progress"] = progress
    response = render(request, "portal/track.html", context)
    response.status_code = status
    if status == 429:
        response["Retry-After"] = str(context["throttled"])
    return response


def decisions(request):
    """准予许可公示: approved decisions, searchable and paginated; only enterprises are named."""
    search = request.GET.get("search", "")[:100]
    page = Paginator(portal.public_decisions(search=search), DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    for application in page:
        application.public_name = portal.public_applicant_name(application)
    return render(request, "portal/decisions.html", {"nav": "decisions", "page": page, "search": search})


@applicant_view
def apply(request, code):
    """在线办理: the materials to upload, the delivery method, a review, then the submission."""
    version = catalog.public_guide(code=code)
    if version is None or not version.online:
        raise Http404
    materials = list(version.materials.all())
    for material in materials:
        material.field_name = f"file-{material.pk}"   # not sent as JSON: files go up one by one after creation
    return render(request, "portal/apply.html", {
        "nav": "guides", "guide": version, "materials": materials,
        "draft": portal.open_draft(applicant=request.user, service_item=version.item),
        "delivery_methods": DeliveryMethod.choices,
        "max_bytes": settings.UPLOAD_MAX_BYTES, "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    })


@applicant_view
def mine(request):
    """我的办件: every application of mine, its status in plain words, its due date, what it needs from me."""
    rows = list(applications.application_list(request.user).prefetch_related("materials", "item_version__materials",
                                                                          "steps"))
    rated = portal.rated_application_ids(request.user)
    for application in rows:
        application.words = status_words(application.status)
        application.needed = needed_now(application, allowed_actions(request.user, application),
                                        rated=application.pk in rated)
    return render(request, "portal/mine.html", {"nav": "mine", "rows": rows})


@applicant_view
def case(request, pk):
    """One application of mine: where it stands, what to do, the notices, the rating."""
    application = applications.application_detail(request.user, pk).first()
    if application is None:
        raise Http404
    actions = allowed_actions(request.user, application)
    corrections = list(application.correction_notices.all())
    correction = corrections[-1] if corrections and application.status == Status.CORRECTION_REQUESTED else None
    materials = {m.pk: m for m in application.item_version.materials.all()}
    rating = portal.rating_of(application)
    context = {
        "nav": "mine", "a": application, "actions": actions, "words": status_words(application.status),
        "needed": needed_now(application, actions, rated=rating is not None), "missing": missing_materials(application),
        "correction": correction,
        "correction_items": [{**item, "material": materials.get(item["material"])}
                             for item in (correction.items if correction else [])],
        "notices": available_notices(application), "rating": rating, "scores": Score.choices,
        "submitted": request.GET.get("submitted") == "1", "refresh_seconds": settings.CASE_REFRESH_SECONDS,
        "max_bytes": settings.UPLOAD_MAX_BYTES, "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        "timeline": [(event, Status(event.to_status).label) for event in application.events.all()
                     if event.to_status and event.to_status != event.from_status],
    }
    return render_page(request, "portal/case.html", context, parts={"case": "portal/parts/case.html"})


RATE_AFTER = {"delivered", "denied", "rejected"}


def _page_link(notification) -> str:
    """The portal page a message is about: an application's link opens its page (at the rating once rateable)."""
    try:
        match = resolve(notification.link)
    except Resolver404:
        return ""
    if match.url_name != "application-detail":
        return ""
    return reverse("portal:case", args=[match.kwargs["pk"]]) + ("#rate" if notification.topic in RATE_AFTER else "")


@applicant_view
def inbox(request):
    """消息: my notifications, unread first marked; reading one is an API call."""
    notes = list(my_notifications(request.user)[:100])
    for note in notes:
        note.page_link = _page_link(note)
    return render_page(request, "portal/inbox.html",
                       {"nav": "mine", "notes": notes, "refresh_seconds": settings.CASE_REFRESH_SECONDS},
                       parts={"inbox": "portal/parts/inbox.html"})
