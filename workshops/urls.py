from django.urls import path

from . import views

urlpatterns = [
    path("automapeo/", views.AutomapeoView.as_view(), name="automapeo"),
    path("automapeo/autosave/", views.AutomapeoAutosaveView.as_view(), name="automapeo_autosave"),
    path("almi/", views.AlmiView.as_view(), name="almi"),
    path("almi/<int:pk>/", views.AlmiEditView.as_view(), name="almi_edit"),
    path("questionnaire/<slug:kind>/", views.QuestionnaireView.as_view(), name="questionnaire"),
]
