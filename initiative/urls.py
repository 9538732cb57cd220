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
    path("initiatives/<slug:slug>/open-data.json", views.open_data_json, name="open_data_json"),
    path("initiatives/<slug:slug>/open-data/<slug:dataset>.csv", views.open_data_csv, name="open_data_csv"),
]
