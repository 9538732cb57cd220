"""Dissemination: the analysis of what the officials submitted, and what of it is public.

The initiative's top floor: it reads the other apps' models and query modules; nothing below imports it.
Every function runs a fixed number of queries whatever the number of governments.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries as country_names

from alp_portal.roles import is_staff_member
from authorities.models import Official
from certificates.queries import recognized_local_governments, recognized_officials
from workshops.enums import ActionStatus, SubmissionStatus
from workshops.models import AlmiAgendaItem, Automapeo, AutomapeoAction

from .enums import Piece
from .models import GoodPractice, GuidingPrinciple, Initiative, Objective, Publication

# Who may see what


def publication_states(initiative):
    """{piece: Publication or None} for the three pieces."""
    rows = {p.piece: p for p in Publication.objects.filter(initiative=initiative)}
    return {piece: rows.get(piece) for piece in Piece.values}


def is_participant_or_staff(user, initiative):
    if not user.is_authenticated:
        return False
    if is_staff_member(user):
        return True
    return Initiative.objects.for_user(user).filter(pk=initiative.pk).exists()


def may_see(user, initiative, piece, states=None, *, inside=None):
    """Published pieces are public; an unpublished one is for staff and the initiative's participants only.
    `states` and `inside` (whether the user is a participant or staff) spare the queries when known."""
    states = states if states is not None else publication_states(initiative)
    publication = states.get(piece)
    if publication is not None and publication.is_published:
        return True
    return is_participant_or_staff(user, initiative) if inside is None else inside


def visible_pieces(user, initiative):
    """({piece: whether `user` may see it}, the publication states): `may_see` for every piece."""
    states = publication_states(initiative)
    inside = is_participant_or_staff(user, initiative)
    return {piece: may_see(user, initiative, piece, states, inside=inside) for piece in Piece.values}, states


# The Automapeo matrix


@dataclass
class MatrixColumn:
    government_id: int
    name: str


@dataclass
class CountryGroup:
    code: str
    name: str
    columns: list = field(default_factory=list)


@dataclass
class MatrixRow:
    objective: object
    cells: list  # per column, in column order: (count, {status: count})
    actions: int
    governments: int
    by_country: list = field(default_factory=list)  # per group, in group order: (count, {status: count})


@dataclass
class AutomapeoMatrix:
    groups: list
    rows: list
    principles: list  # [(principle, actions, governments)]
    uncovered: list  # objectives no government works on
    governments: int
    countries: list  # [(code, name)] of every submitted government, for the filter

    @property
    def columns(self):
        return [column for group in self.groups for column in group.columns]

    def by_country_only(self):
        """The matrix without its cells per government (the region's page shows countries): a fraction of its
        size in the cache at a large region."""
        return replace(self, rows=[replace(row, cells=[]) for row in self.rows])


def _submitted_automapeos(initiative):
    return Automapeo.objects.filter(initiative=initiative, status=SubmissionStatus.SUBMITTED)


def automapeo_matrix(initiative, country=None):
    """The 23 objectives by the governments whose Automapeo is submitted (grouped by country): how many of a
    government's actions relate to each objective, by status; totals per objective and per guiding principle.
    Five queries."""
    automapeos = _submitted_automapeos(initiative)
    all_governments = list(
        automapeos.values_list("local_government_id", "local_government__name", "local_government__country").order_by(
            "local_government__country", "local_government__name"
        )
    )
    countries = sorted({code for _, _, code in all_governments})
    country_list = [(code, str(country_names.name(code))) for code in countries]
    if country:
        all_governments = [row for row in all_governments if row[2] == country]
        automapeos = automapeos.filter(local_government__country=country)
    groups = {}
    for pk, name, code in all_governments:
        groups.setdefault(code, CountryGroup(code, str(country_names.name(code)))).columns.append(
            MatrixColumn(pk, name)
        )
    group_list = list(groups.values())
    columns = [c for g in group_list for c in g.columns]

    links = AutomapeoAction.objectives.through.objects.filter(automapeoaction__automapeo__in=automapeos).values_list(
        "objective__number", "automapeoaction__automapeo__local_government_id", "automapeoaction__status"
    )
    cells = defaultdict(Counter)  # (objective number, government) -> status counter
    for number, government, status in links:
        cells[(number, government)][status] += 1
    rows, uncovered = [], []
    for objective in Objective.objects.all():
        row_cells, by_country = [], []
        actions = governments = 0
        for group in group_list:
            in_country = Counter()
            for column in group.columns:
                counter = cells.get((objective.number, column.government_id), Counter())
                count = sum(counter.values())
                row_cells.append((count, _statuses(counter)))
                actions += count
                governments += bool(count)
                in_country.update(counter)
            by_country.append((sum(in_country.values()), _statuses(in_country)))
        rows.append(MatrixRow(objective, row_cells, actions, governments, by_country))
        if not governments:
            uncovered.append(objective)

    principle_links = AutomapeoAction.principles.through.objects.filter(
        automapeoaction__automapeo__in=automapeos
    ).values_list("guidingprinciple_id", "automapeoaction_id", "automapeoaction__automapeo__local_government_id")
    by_principle = defaultdict(lambda: (set(), set()))
    for principle, action, government in principle_links:
        by_principle[principle][0].add(action)
        by_principle[principle][1].add(government)
    principles = [(p, len(by_principle[p.pk][0]), len(by_principle[p.pk][1])) for p in GuidingPrinciple.objects.all()]
    return AutomapeoMatrix(group_list, rows, principles, uncovered, len(columns), country_list)


def _statuses(counter):
    return {status: counter[status] for status in ActionStatus.values if counter[status]}


# The ALMI


@dataclass
class AlmiTheme:
    theme: str
    items: list  # AlmiAgendaItem annotated with governments and countries


def almi_agenda(initiative):
    """The systematized ALMI: agenda items by theme, each with how many governments and countries raised it.
    Two queries."""
    items = (
        AlmiAgendaItem.objects.filter(initiative=initiative)
        .annotate(
            governments=Count("contributions__local_government", distinct=True),
            countries=Count("contributions__local_government__country", distinct=True),
        )
        .prefetch_related(Prefetch("objectives", queryset=Objective.objects.order_by("number")))
        .order_by("theme", "position", "id")
    )
    themes = {}
    for item in items:
        themes.setdefault(item.theme, AlmiTheme(item.theme or _("Other"), [])).items.append(item)
    return list(themes.values())


# Peer learning


_UNREAD = object()


def peer_learning(local_government, initiative, automapeo=_UNREAD):
    """For each objective the government's Automapeo relates no action to, the good practices linked to it.
    [(objective, [practices])], objectives without practices left out; [] when there is no Automapeo. Three
    queries (two with the `automapeo`, or its id, read already)."""
    if automapeo is _UNREAD:
        automapeo = Automapeo.objects.filter(local_government=local_government, initiative=initiative).first()
    if automapeo is None:
        return []
    covered = AutomapeoAction.objectives.through.objects.filter(automapeoaction__automapeo=automapeo).values(
        "objective_id"
    )
    objectives = (
        Objective.objects.exclude(pk__in=covered)
        .filter(good_practices__isnull=False)
        .distinct()
        .prefetch_related(Prefetch("good_practices", queryset=GoodPractice.objects.order_by("title")))
    )
    return [(objective, list(objective.good_practices.all())) for objective in objectives]


# The recognized governments and the map


@dataclass
class RecognizedGovernment:
    pk: int
    name: str
    region: str
    country: str
    latitude: float | None
    longitude: float | None
    people: list  # names of recognized officials who consented


@dataclass
class RecognizedList:
    countries: list  # [(code, name, [RecognizedGovernment])]
    named: int
    unnamed: int  # recognized governments that did not consent to appear by name

    @property
    def total(self):
        return self.named + self.unnamed


def recognized_governments(initiative):
    """The local governments with a valid recognition in the initiative, by country; only those that consented
    appear by name, each with its recognized officials who consented too. Three queries."""
    governments = recognized_local_governments(initiative)
    unnamed = governments.filter(public_consent=False).count()
    named = list(
        governments.filter(public_consent=True)
        .values_list("pk", "name", "region", "country", "latitude", "longitude")
        .order_by("country", "name")
    )
    people = defaultdict(list)
    for government, first, last in (
        Official.objects.filter(
            public_consent=True,
            local_government__in=governments.filter(public_consent=True),
            pk__in=recognized_officials(initiative),
        )
        .values_list("local_government_id", "first_name", "last_name")
        .order_by("last_name", "first_name")
    ):
        people[government].append(f"{first} {last}")
    by_country = {}
    for pk, name, region, code, lat, lon in named:
        by_country.setdefault(code, (code, str(country_names.name(code)), []))[2].append(
            RecognizedGovernment(
                pk,
                name,
                region,
                code,
                float(lat) if lat is not None else None,
                float(lon) if lon is not None else None,
                people.get(pk, []),
            )
        )
    return RecognizedList(list(by_country.values()), len(named), unnamed)


MAP_DATA = Path(__file__).resolve().parent / "data" / "south_america.json"
# The frame of the map, in degrees: South America and its islands.
WEST, EAST, NORTH, SOUTH = -92.0, -33.0, 13.5, -56.5
MAP_WIDTH = 590  # SVG units, 10 per degree: 590 by 700


def project(longitude, latitude):
    """Equirectangular: x grows east, y grows south, 10 units per degree."""
    scale = MAP_WIDTH / (EAST - WEST)
    return round((longitude - WEST) * scale, 1), round((NORTH - latitude) * scale, 1)


def map_size():
    scale = MAP_WIDTH / (EAST - WEST)
    return MAP_WIDTH, round((NORTH - SOUTH) * scale)


@cache
def country_paths():
    """[(code, path d)] of every country, projected once per process."""
    data = json.loads(MAP_DATA.read_text())
    paths = []
    for code, rings in data["countries"].items():
        parts = []
        for ring in rings:
            # Whole units (0.1°) are finer than the map is drawn; points that fall together are dropped.
            points = []
            for x, y in ring:
                point = tuple(round(v) for v in project(x, y))
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) >= 3:
                parts.append("M" + " ".join(f"{x} {y}" for x, y in points) + "Z")
        paths.append((code, "".join(parts)))
    return paths


def map_markers(recognized, governments=None):
    """[(link, label, x, y)] of the named governments that have coordinates (of `governments` only, when given):
    each links to its line in the list."""
    if governments is None:
        governments = [g for _code, _name, listed in recognized.countries for g in listed]
    markers = []
    for government in governments:
        if government.latitude is None:
            continue
        x, y = project(government.longitude, government.latitude)
        # 1 unit is 0.1°: enough for a dot, and short.
        markers.append((f"#g{government.pk}", government.name, round(x), round(y)))
    return markers


@dataclass
class RecognizedOverview:
    """What the recognized page shows of the whole region, small whatever its size: the counts, one marker per
    country, and the whole list only when it is short (`whole`, else None)."""

    named: int
    unnamed: int
    countries: list  # [(code, name, named governments)]
    markers: list  # country_markers
    whole: RecognizedList | None

    @property
    def total(self):
        return self.named + self.unnamed


def recognized_overview(recognized, *, whole_up_to):
    return RecognizedOverview(
        recognized.named,
        recognized.unnamed,
        [(code, name, len(governments)) for code, name, governments in recognized.countries],
        country_markers(recognized),
        recognized if recognized.named <= whole_up_to else None,
    )


def country_markers(recognized):
    """[(link, label, x, y)]: one marker per country, amid its named governments, linking to the country's list."""
    markers = []
    for code, name, governments in recognized.countries:
        placed = [project(g.longitude, g.latitude) for g in governments if g.latitude is not None]
        if placed:
            x = sum(p[0] for p in placed) / len(placed)
            y = sum(p[1] for p in placed) / len(placed)
            label = ngettext(
                "%(country)s: %(count)s local government", "%(country)s: %(count)s local governments", len(governments)
            ) % {"country": name, "count": len(governments)}
            markers.append((f"?country={code}", label, round(x), round(y)))
    return markers


# The portal's front page


def public_home():
    """The current cohort and every initiative's published material. Two queries."""
    current = Initiative.objects.order_by("-year", "-pk").first()
    published = defaultdict(list)
    for publication in (
        Publication.objects.published().select_related("initiative").order_by("-initiative__year", "piece")
    ):
        published[publication.initiative].append(publication)
    return {"current_initiative": current, "published": list(published.items())}
