from django.urls import path

from . import views

urlpatterns = [
    path("my/sessions/", views.MySessionsView.as_view(), name="my_sessions"),
    path("my/sessions/calendar.ics", views.MySessionsCalendarView.as_view(), name="my_sessions_calendar"),
    path("my/sessions/<int:pk>/calendar.ics", views.SessionCalendarView.as_view(), name="session_calendar"),
    path("my/registration/", views.RegistrationView.as_view(), name="registration"),
]
