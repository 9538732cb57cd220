from django.views.generic import TemplateView


class HomeView(TemplateView):
    """The portal's front page. The officials' home and the public pages build on it."""

    template_name = "home.html"
