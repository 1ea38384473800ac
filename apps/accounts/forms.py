"""Sign-in forms that go through the sign-in locks (apps.accounts.lockout), like the API's token sign-in."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .lockout import SignInLocked, sign_in


class LockoutSignInMixin:
    """`clean()` of Django's sign-in form, with the password checked by `sign_in` (which counts and locks)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = sign_in(self.request, username=username, password=password)
            except SignInLocked as locked:
                raise forms.ValidationError(locked.message, code="locked")
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class SignInForm(LockoutSignInMixin, AuthenticationForm):
    """For any sign-in page (`LoginView.form_class`)."""


class AdminSignInForm(LockoutSignInMixin, AdminAuthenticationForm):
    """The administration's sign-in: staff only, same locks."""
