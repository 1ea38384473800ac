from django.urls import path

from .views import AlertAcknowledgeApi, AlertListApi

urlpatterns = [
    path("alerts/", AlertListApi.as_view(), name="alert-list"),
    path("alerts/<id:pk>/acknowledge/", AlertAcknowledgeApi.as_view(), name="alert-acknowledge"),
]
