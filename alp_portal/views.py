from django.urls import reverse
from django.views.generic import TemplateView

# Where each task of the official's home leads: (url name, kwargs).
TASK_URLS = {
    "automapeo": ("automapeo", {}),
    "almi": ("almi", {}),
    "entry_questionnaire": ("questionnaire", {"kind": "entry"}),
    "exit_questionnaire": ("questionnaire", {"kind": "exit"}),
    "register": ("registration", {}),
    "recognitions": ("certificates:mine", {}),
}


def task_url(key):
    name, kwargs = TASK_URLS[key]
    return reverse(name, kwargs=kwargs or None)


class HomeView(TemplateView):
    """The portal's front page. A signed-in official sees their own home: the initiative's timeline, what is
    expected of them now and their government; everyone else sees the public front page."""

    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        from authorities.mixins import official_for

        self.official = official_for(request.user)
        if self.official is not None:
            self.template_name = "home_official.html"
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.official is None:
            from initiative.dissemination import public_home

            context.update(public_home())
            return context
        from authorities.preferences import time_zone_name
        from authorities.queries import current_initiative
        from initiative.dissemination import peer_learning
        from workshops.models import Registration
        from workshops.queries import expected_of, timeline, workshop_editions

        initiative = current_initiative(self.official)
        context.update(official=self.official, initiative=initiative, time_zone=time_zone_name(self.official))
        if initiative is not None:
            registration = (
                Registration.objects.filter(official=self.official, initiative=initiative)
                .select_related("event")
                .first()
            )
            tasks = expected_of(
                self.official, initiative, registration=registration, editions=workshop_editions(initiative)
            )
            context.update(
                # The official's path to the recognition, until it is issued.
                show_eligibility=initiative.stage in ("launch", "workshop", "certification")
                and not any(task.key == "recognitions" for task in tasks),
                timeline=timeline(initiative),
                peer_learning=peer_learning(self.official.local_government, initiative),
                tasks=[(task, task_url(task.key)) for task in tasks],
                registration=registration,
            )
        return context
