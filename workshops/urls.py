from django.urls import path

from . import views

urlpatterns = [
    path("automapeo/", views.AutomapeoView.as_view(), name="automapeo"),
    path("automapeo/autosave/", views.AutomapeoAutosaveView.as_view(), name="automapeo_autosave"),
    path("almi/", views.AlmiView.as_view(), name="almi"),
    path("almi/<int:pk>/", views.AlmiEditView.as_view(), name="almi_edit"),
    path("questionnaire/<slug:kind>/", views.QuestionnaireView.as_view(), name="questionnaire"),
    path("my/sessions/", views.MySessionsView.as_view(), name="my_sessions"),
    path("my/sessions/calendar.ics", views.MySessionsCalendarView.as_view(), name="my_sessions_calendar"),
    path("my/sessions/<int:pk>/calendar.ics", views.SessionCalendarView.as_view(), name="session_calendar"),
    path("my/registration/", views.RegistrationView.as_view(), name="registration"),
]
