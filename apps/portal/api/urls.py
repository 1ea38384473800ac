from django.urls import path

from .views import DraftApi

urlpatterns = [
    path("drafts/<str:code>/", DraftApi.as_view(), name="draft"),
]
