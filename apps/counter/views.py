"""The workbench pages: server-rendered reads; every action is a form the page script sends to /api/v1."""

from apps.core.pages import render_page

from .access import workbench_view


@workbench_view()
def home(request):
    """Where a clerk, approver or manager starts: who and where they are, and their work."""
    return render_page(request, "counter/home.html", {"staff": request.user, "nav": "home"},
                       parts={"where": "counter/parts/where.html"})
