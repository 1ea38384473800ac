from django.urls import path

from .views import NotificationListApi, NotificationReadApi

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="notification-list"),
    path("notifications/<id:pk>/read/", NotificationReadApi.as_view(), name="notification-read"),
]
