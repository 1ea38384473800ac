from django.urls import path

from .views import MeApi, RegisterApi, RegisterEnterpriseApi, TokenApi

urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("auth/register/", RegisterApi.as_view(), name="auth-register"),
    path("auth/register/enterprise/", RegisterEnterpriseApi.as_view(), name="auth-register-enterprise"),
    path("auth/me/", MeApi.as_view(), name="auth-me"),
]
