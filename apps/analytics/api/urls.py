from django.urls import path

from . import views

urlpatterns = [
    path("stats/overview/", views.OverviewApi.as_view(), name="stats-overview"),
    path("stats/service-items/", views.ServiceItemFiguresApi.as_view(), name="stats-service-items"),
    path("stats/departments/", views.DepartmentFiguresApi.as_view(), name="stats-departments"),
    path("stats/steps/", views.StepFiguresApi.as_view(), name="stats-steps"),
    path("stats/reform/", views.ReformApi.as_view(), name="stats-reform"),
    path("stats/trend/", views.TrendApi.as_view(), name="stats-trend"),
    path("stats/applications/", views.ApplicationsBehindApi.as_view(), name="stats-applications"),
    path("stats/over-visit-limit/", views.OverVisitLimitApi.as_view(), name="stats-over-visit-limit"),
    path("audit/applications/<id:pk>/", views.ApplicationAuditApi.as_view(), name="audit-application"),
    path("audit/checks/", views.AuditCheckListApi.as_view(), name="audit-check-list"),
    path("audit/checks/<id:pk>/", views.AuditCheckDetailApi.as_view(), name="audit-check-detail"),
]
