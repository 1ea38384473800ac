from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("guide/", views.guides, name="guides"),
    path("guide/<str:code>/", views.guide, name="guide"),
    path("track/", views.track, name="track"),
    path("decisions/", views.decisions, name="decisions"),
    path("apply/<str:code>/", views.apply, name="apply"),
    path("my/applications/", views.mine, name="mine"),
    path("my/applications/<id:pk>/", views.case, name="case"),
    path("my/messages/", views.inbox, name="messages"),
]
