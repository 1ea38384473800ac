from django.urls import path

from .views import RatingApi

urlpatterns = [path("applications/<int:pk>/rating/", RatingApi.as_view(), name="application-rating")]
