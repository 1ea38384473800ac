"""Who may open the workbench: counter clerks, approvers and managers."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from apps.accounts.models import Role

WORKBENCH_ROLES = {Role.CLERK, Role.APPROVER, Role.MANAGER}


def workbench_view(*roles):
    """A page for the given roles (any workbench role if none): others get 403, strangers the sign-in page."""
    allowed = set(roles) or WORKBENCH_ROLES

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)
        return wrapper
    return decorate
