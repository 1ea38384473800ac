"""Sign-in and sign-out pages, shared by every page of the system (staff and citizens alike)."""

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api.views import AuthThrottle
from .landing import landing_url


class SignInView(auth_views.LoginView):
    """The sign-in page. Attempts count against the same per-address limit as the API's token sign-in."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        throttle = AuthThrottle()
        if not throttle.allow_request(request, self):
            form = self.get_form()
            wait = int(throttle.wait() or 1)
            form.add_error(None, _("Too many sign-in attempts from this address. Try again in %(s)s seconds.")
                           % {"s": wait})
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def get_initial(self):
        # Straight after registering, the new username is filled in.
        return {"username": self.request.GET.get("registered", "")[:150]}

    def get_default_redirect_url(self):
        # `next` wins when it is safe (LoginView checks host and scheme); otherwise the person's own page.
        return landing_url(self.request.user)


class SignOutView(auth_views.LogoutView):
    """Sign-out by POST (a link could be triggered by any page); back to the front page."""


def register(request):
    """注册: a citizen with their ID number, or an enterprise with its credit code; the form posts to the API."""
    kind = "enterprise" if request.GET.get("as") == "enterprise" else "citizen"
    return render(request, "accounts/register.html", {"kind": kind, "nav": "register"})
