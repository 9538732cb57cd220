from django.urls import path

from . import views

urlpatterns = [
    path("invitation/new-link/", views.NewInvitationLinkView.as_view(), name="invitation_new_link"),
    path("invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("my/profile/", views.ProfileView.as_view(), name="profile"),
]
