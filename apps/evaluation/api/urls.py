from django.urls import path

from .views import RatingApi, RectificationAnswerApi, RectificationFollowUpApi, RectificationListApi

urlpatterns = [
    path("applications/<id:pk>/rating/", RatingApi.as_view(), name="application-rating"),
    path("rectifications/", RectificationListApi.as_view(), name="rectification-list"),
    path("rectifications/<id:pk>/answer/", RectificationAnswerApi.as_view(), name="rectification-answer"),
    path("rectifications/<id:pk>/follow-up/", RectificationFollowUpApi.as_view(), name="rectification-follow-up"),
]
