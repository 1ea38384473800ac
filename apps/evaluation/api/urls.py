from django.urls import path

from .views import RatingApi

urlpatterns = [path("applications/<id:pk>/rating/", RatingApi.as_view(), name="application-rating")]
