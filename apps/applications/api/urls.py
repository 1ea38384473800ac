from django.urls import path

from . import views

urlpatterns = [
    path("applications/", views.ApplicationListCreateApi.as_view(), name="application-list"),
    path("applications/<int:pk>/", views.ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<int:pk>/materials/", views.MaterialUploadApi.as_view(), name="application-materials"),
    path("applications/<int:pk>/materials/<int:material_pk>/", views.MaterialDownloadApi.as_view(),
         name="application-material-download"),
    path("applications/<int:pk>/accept/", views.AcceptApi.as_view(), name="application-accept"),
    path("applications/<int:pk>/reject/", views.RejectApi.as_view(), name="application-reject"),
    path("applications/<int:pk>/request-correction/", views.RequestCorrectionApi.as_view(),
         name="application-request-correction"),
    path("applications/<int:pk>/resubmit/", views.ResubmitApi.as_view(), name="application-resubmit"),
    path("applications/<int:pk>/steps/<int:step_id>/approve/", views.ApproveStepApi.as_view(),
         name="application-step-approve"),
    path("applications/<int:pk>/steps/<int:step_id>/deny/", views.DenyStepApi.as_view(),
         name="application-step-deny"),
    path("applications/<int:pk>/suspend/", views.SuspendApi.as_view(), name="application-suspend"),
    path("applications/<int:pk>/resume/", views.ResumeApi.as_view(), name="application-resume"),
    path("applications/<int:pk>/extend/", views.ExtendApi.as_view(), name="application-extend"),
    path("applications/<int:pk>/deliver/", views.DeliverApi.as_view(), name="application-deliver"),
    path("applications/<int:pk>/withdraw/", views.WithdrawApi.as_view(), name="application-withdraw"),
    path("applications/<int:pk>/visits/", views.VisitsApi.as_view(), name="application-visits"),
    path("applications/<int:pk>/notices/<str:kind>.pdf", views.NoticeApi.as_view(), name="application-notice"),
    path("track/<str:tracking_number>/", views.TrackApi.as_view(), name="track"),
]
