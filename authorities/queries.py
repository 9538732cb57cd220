"""Reads that span relations: the participation figures every stage reports."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
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


def figures_for_officials(officials):
    """Figures for a queryset of officials, in three queries whatever its size."""
    officials = Official.objects.filter(pk__in=officials.values("pk"))
    totals = officials.aggregate(
        people=Count("pk", distinct=True),
        governments=Count("local_government", distinct=True),
        countries=Count("local_government__country", distinct=True),
    )
    by_country = [
        (
            row["local_government__country"],
            str(country_names.name(row["local_government__country"])),
            row["people"],
            row["governments"],
        )
        for row in officials.values("local_government__country")
        .annotate(people=Count("pk", distinct=True), governments=Count("local_government", distinct=True))
        .order_by("local_government__country")
    ]
    return Figures(totals["people"], totals["governments"], totals["countries"], by_country, _by_gender(officials))


def figures_for(officials, governments):
    """Figures for a queryset of officials and a queryset of local governments counted as the governments
    (not necessarily theirs: the recognized governments are those holding their own recognition); the
    countries are those of either. Three queries whatever their size."""
    officials = Official.objects.filter(pk__in=officials.values("pk"))
    government_ids = governments.values("pk")
    places = LocalGovernment.objects.filter(Q(pk__in=government_ids) | Q(pk__in=officials.values("local_government")))
    counts = {
        "people": Count("officials", filter=Q(officials__in=officials.values("pk")), distinct=True),
        "governments": Count("pk", filter=Q(pk__in=government_ids), distinct=True),
    }
    totals = places.aggregate(**counts, countries=Count("country", distinct=True))
    by_country = [
        (row["country"], str(country_names.name(row["country"])), row["people"], row["governments"])
        for row in places.values("country").annotate(**counts).order_by("country")
    ]
    return Figures(totals["people"], totals["governments"], totals["countries"], by_country, _by_gender(officials))


def _by_gender(officials):
    labels = dict(Gender.choices)
    return [
        (row["gender"], labels.get(row["gender"], gettext("Not given")), row["people"])
        for row in officials.values("gender").annotate(people=Count("pk")).order_by("gender")
    ]


def invited_figures(initiative):
    """The mapping stage: officials whose invitation to the initiative went out."""
    return figures_for_officials(
        Official.objects.filter(
            invitations__initiative=initiative, invitations__status__in=InvitationStatus.sent_values()
        )
    )


def current_invitations(official):
    """The official's invitations that went out (not declined), newest initiative first."""
    from .models import Invitation

    return (
        Invitation.objects.filter(official=official, status__in=[InvitationStatus.SENT, InvitationStatus.ACCEPTED])
        .select_related("initiative")
        .order_by("-initiative__year", "-initiative__pk")
    )


def current_initiative(official):
    """The initiative an official takes part in now: the newest one they are invited to (None if none)."""
    invitation = current_invitations(official).first()
    return invitation.initiative if invitation else None
