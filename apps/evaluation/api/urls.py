from django.urls import path

from .views import RatingApi, RectificationAnswerApi, RectificationListApi

urlpatterns = [
    path("applications/<id:pk>/rating/", RatingApi.as_view(), name="application-rating"),
    path("rectifications/", RectificationListApi.as_view(), name="rectification-list"),
    path("rectifications/<id:pk>/answer/", RectificationAnswerApi.as_view(), name="rectification-answer"),
]
