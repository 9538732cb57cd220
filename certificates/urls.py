from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("recognitions/", views.my_recognitions, name="mine"),
    path("recognitions/<str:code>/pdf/", views.recognition_pdf, name="pdf"),
]
