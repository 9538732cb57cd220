from django.urls import path

from . import views

app_name = "initiative"

urlpatterns = [
    path("initiatives/<slug:slug>/", views.initiative_page, name="detail"),
    path("initiatives/<slug:slug>/automapeo/", views.automapeo_page, name="automapeo"),
    path("initiatives/<slug:slug>/almi/", views.almi_page, name="almi"),
    path("initiatives/<slug:slug>/recognized/", views.recognized_page, name="recognized"),
    path("initiatives/<slug:slug>/questionnaires/", views.questionnaires_page, name="questionnaires"),
    path("initiatives/<slug:slug>/report.pdf", views.report_pdf, name="report"),
]
