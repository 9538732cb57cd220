"""Reads that span relations: the participation figures every stage reports."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext, ngettext
from django_countries import countries as country_names

from .enums import Gender, InvitationStatus
from .models import LocalGovernment, Official


@dataclass(frozen=True)
class Figures:
    """How many people, local governments and countries a group of officials represents. Never stored."""

    people: int
    governments: int
    countries: int
    by_country: list = field(default_factory=list)  # [(code, name, people, governments)]
    by_gender: list = field(default_factory=list)  # [(code, label, people)]

    def sentence(self, language=None):
        """The report's sentence: '38 local authorities representing 26 local governments of 9 countries'."""
        with translation.override(language or translation.get_language()):
            people = ngettext("%(count)d local authority", "%(count)d local authorities", self.people) % {
                "count": self.people
            }
            governments = ngettext("%(count)d local government", "%(count)d local governments", self.governments) % {
                "count": self.governments
            }
            countries = ngettext("%(count)d country", "%(count)d countries", self.countries) % {"count": self.countries}
            return gettext("%(people)s representing %(governments)s of %(countries)s") % {
                "people": people,
                "governments": governments,
                "countries": countries,
            }

    def sentences(self):
        return {code: self.sentence(code) for code in ("es", "pt-br", "en")}


EMPTY = Figures(0, 0, 0)


# What the figures of a group of officials are counted from, one row per official.
FIGURE_COLUMNS = ("pk", "local_government_id", "local_government__country", "gender")


def figures_for_officials(officials):
    """Figures for a queryset of officials, in one query whatever its size."""
    return figures_of(officials.values_list(*FIGURE_COLUMNS))


def figures_of(rows):
    """Figures of officials read as FIGURE_COLUMNS rows (an official read twice counts once): people,
    governments and countries, by country (in code order) and by gender (in value order)."""
    people = {pk: (government, country, gender) for pk, government, country, gender in rows}
    countries = {}
    genders = Counter()
    for government, country, gender in people.values():
        countries.setdefault(country, []).append(government)
        genders[gender or ""] += 1
    by_country = [
        (code, str(country_names.name(code)), len(governments), len(set(governments)))
        for code, governments in sorted(countries.items())
    ]
    labels = dict(Gender.choices)
    by_gender = [(gender, labels.get(gender, gettext("Not given")), count) for gender, count in sorted(genders.items())]
    return Figures(
        len(people), len({government for government, _c, _g in people.values()}), len(countries), by_country, by_gender
    )


def figures_for(officials, governments):
    """Figures for a queryset of officials and a queryset of local governments counted as the governments
    (not necessarily theirs: the recognized governments are those holding their own recognition); the
    countries are those of either. Two queries whatever their size, counted in Python as figures_of does: the
    COUNT(DISTINCT …) FILTER (WHERE … IN (…)) this was took minutes on PostgreSQL right after a bulk insert,
    before the tables' statistics caught up (a subquery run again for every row)."""
    people = figures_of(Official.objects.filter(pk__in=officials.values("pk")).values_list(*FIGURE_COLUMNS))
    places = dict(LocalGovernment.objects.filter(pk__in=governments.values("pk")).values_list("pk", "country"))
    per_country = {code: [name, count, 0] for code, name, count, _governments in people.by_country}
    for country in places.values():
        per_country.setdefault(country, [str(country_names.name(country)), 0, 0])[2] += 1
    by_country = [(code, name, count, held) for code, (name, count, held) in sorted(per_country.items())]
    return Figures(people.people, len(places), len(per_country), by_country, people.by_gender)


def invited_figures(initiative):
    """The mapping stage: officials whose invitation to the initiative went out."""
    return figures_for_officials(
        Official.objects.filter(
            invitations__initiative=initiative, invitations__status__in=InvitationStatus.sent_values()
        )
    )


def current_invitations(official=None):
    """The invitations that went out (not declined), newest initiative first: the official's, or everyone's."""
    from .models import Invitation

    invitations = (
        Invitation.objects.filter(status__in=[InvitationStatus.SENT, InvitationStatus.ACCEPTED])
        .select_related("initiative")
        .order_by("-initiative__year", "-initiative__pk")
    )
    return invitations if official is None else invitations.filter(official=official)


def current_initiative(official):
    """The initiative an official takes part in now: the newest one they are invited to (None if none)."""
    invitation = current_invitations(official).first()
    return invitation.initiative if invitation else None
