from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("recognitions/", views.my_recognitions, name="mine"),
    path("recognitions/<str:code>/pdf/", views.recognition_pdf, name="pdf"),
    path(".well-known/did.json", views.did_json, name="did"),
    path("credentials/status/<int:pk>/", views.status_list, name="status_list"),
    path("verify/<str:code>/credential.json", views.credential_json, name="credential"),
    path("verify/<str:code>/badge.png", views.credential_badge, name="badge"),
]
