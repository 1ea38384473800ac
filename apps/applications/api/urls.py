from django.urls import path

from . import views

urlpatterns = [
    path("applications/", views.ApplicationListCreateApi.as_view(), name="application-list"),
    path("applications/<id:pk>/", views.ApplicationDetailApi.as_view(), name="application-detail"),
    path("applications/<id:pk>/materials/", views.MaterialUploadApi.as_view(), name="application-materials"),
    path("applications/<id:pk>/materials/received/", views.ReceivedMaterialsApi.as_view(),
         name="application-materials-received"),
    path("applications/<id:pk>/materials/<id:material_pk>/", views.MaterialDownloadApi.as_view(),
         name="application-material-download"),
    path("applications/<id:pk>/accept/", views.AcceptApi.as_view(), name="application-accept"),
    path("applications/<id:pk>/reject/", views.RejectApi.as_view(), name="application-reject"),
    path("applications/<id:pk>/request-correction/", views.RequestCorrectionApi.as_view(),
         name="application-request-correction"),
    path("applications/<id:pk>/resubmit/", views.ResubmitApi.as_view(), name="application-resubmit"),
    path("applications/<id:pk>/steps/<id:step_id>/approve/", views.ApproveStepApi.as_view(),
         name="application-step-approve"),
    path("applications/<id:pk>/steps/<id:step_id>/deny/", views.DenyStepApi.as_view(),
         name="application-step-deny"),
    path("applications/<id:pk>/steps/<id:step_id>/assign/", views.AssignStepApi.as_view(),
         name="application-step-assign"),
    path("steps/inbox/", views.StepInboxApi.as_view(), name="step-inbox"),
    path("applications/<id:pk>/suspend/", views.SuspendApi.as_view(), name="application-suspend"),
    path("applications/<id:pk>/resume/", views.ResumeApi.as_view(), name="application-resume"),
    path("applications/<id:pk>/extend/", views.ExtendApi.as_view(), name="application-extend"),
    path("applications/<id:pk>/deliver/", views.DeliverApi.as_view(), name="application-deliver"),
    path("applications/<id:pk>/withdraw/", views.WithdrawApi.as_view(), name="application-withdraw"),
    path("applications/<id:pk>/visits/", views.VisitsApi.as_view(), name="application-visits"),
    path("applications/<id:pk>/notices/<str:kind>.pdf", views.NoticeApi.as_view(), name="application-notice"),
    path("track/<str:tracking_number>/", views.TrackApi.as_view(), name="track"),
]
