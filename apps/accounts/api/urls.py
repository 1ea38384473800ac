from django.urls import path

from .views import DepartmentAssigneesApi, MeApi, RegisterApi, RegisterEnterpriseApi, TokenApi

urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("auth/register/", RegisterApi.as_view(), name="auth-register"),
    path("auth/register/enterprise/", RegisterEnterpriseApi.as_view(), name="auth-register-enterprise"),
    path("auth/me/", MeApi.as_view(), name="auth-me"),
    path("departments/<str:code>/assignees/", DepartmentAssigneesApi.as_view(), name="department-assignees"),
]
