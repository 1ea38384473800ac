from django.urls import path

from . import views

urlpatterns = [
    path("service-items/", views.ServiceItemListApi.as_view(), name="service-item-list"),
    path("service-items/<str:code>/", views.ServiceItemDetailApi.as_view(), name="service-item-detail"),
]
