"""The initiative's routes at the site's root, without a namespace: the home page and the open API."""

from django.urls import path

from .api import api
from .home import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("api/v1/", api.urls),
]
