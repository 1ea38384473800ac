"""Who may open the portal's personal pages: a signed-in citizen or enterprise, for their own applications."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from apps.accounts.models import Role


def applicant_view(view):
    """Strangers get the sign-in page (and come back here); staff get 403: these pages are an applicant's."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.role != Role.CITIZEN:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapper
