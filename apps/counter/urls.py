from django.urls import path

from . import views

app_name = "counter"
urlpatterns = [
    path("", views.home, name="home"),
    path("intake/", views.intake, name="intake"),
    path("applications/<id:pk>/", views.application, name="application"),
]
