"""The public data of an initiative, as plain data: what the public pages show, for the open API (initiative/api.py)
and the open-data downloads (CSV and JSON). Nothing here decides on its own what is public: each piece comes
only when `visible_pieces` (initiative/dissemination.py, the rule of the public pages) says an anonymous visitor
sees it, and the recognized governments are `recognized_governments`, the public list with its consent rule.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from certificates.queries import verification_facts

from .dissemination import almi_agenda, automapeo_matrix, may_see, publication_states, recognized_governments
from .enums import LICENCE_URLS, DataLicence, Language, Piece
from .knowledge import SMALLEST_GROUP, knowledge_gain, may_show
from .models import Initiative, Publication
from .stages import initiative_figures

LANGUAGES = Language.values


def public_pieces(initiative, states=None):
    """{piece: Publication} of the pieces an anonymous visitor sees (`may_see`, the public pages' rule).
    `states` ({piece: Publication or None}) saves the query when the caller has the publications already."""
    states = states if states is not None else publication_states(initiative)
    anonymous = AnonymousUser()
    return {piece: states[piece] for piece in Piece.values if may_see(anonymous, initiative, piece, states)}


def published_initiatives():
    """Initiatives with at least one piece published, newest first, with their publications. Two queries."""
    published = Publication.objects.published().values("initiative")
    return Initiative.objects.filter(pk__in=published).order_by("-year", "name").prefetch_related("publications")


def states_of(initiative):
    """publication_states from an initiative whose publications are prefetched."""
    rows = {p.piece: p for p in initiative.publications.all()}
    return {piece: rows.get(piece) for piece in Piece.values}


def get_published_initiative(slug):
    return published_initiatives().filter(slug=slug).first()


def licence(initiative):
    with translation.override("en"):  # the licence's own name, whatever the language of the request
        name = str(DataLicence(initiative.data_licence).label)
    return {
        "id": initiative.data_licence,
        "name": name,
        "url": LICENCE_URLS[initiative.data_licence],
    }


def initiative_summary(initiative, pieces):
    dates = [p.published_at for p in pieces.values()]
    return {
        "slug": initiative.slug,
        "name": initiative.name,
        "year": initiative.year,
        "region": initiative.region,
        "description": initiative.description,
        "stage": initiative.stage,
        "published_pieces": sorted(pieces),
        "published_at": max(dates) if dates else None,
        "licence": licence(initiative),
    }


def initiative_detail(initiative):
    """The initiative page's facts: its stages with their dates and the figures of each stage, the report's
    sentence in the three languages."""
    pieces = public_pieces(initiative)
    stages = [{"stage": t.to_stage, "began_at": t.at} for t in initiative.transitions.order_by("at")]
    figures = []
    for language_index, language in enumerate(LANGUAGES):
        with translation.override(language):
            for index, row in enumerate(initiative_figures(initiative)):
                if language_index == 0:
                    figures.append(
                        {
                            "stage": row.stage.value,
                            "title": {},
                            "people": row.figures.people,
                            "governments": row.figures.governments,
                            "countries": row.figures.countries,
                            "sentence": {},
                        }
                    )
                figures[index]["title"][language] = str(row.title)
                figures[index]["sentence"][language] = row.figures.sentence(language)
    return {**initiative_summary(initiative, pieces), "stages": stages, "figures": figures}


def recognized_data(initiative):
    recognized = recognized_governments(initiative)
    governments = [
        {
            "name": g.name,
            "region": g.region,
            "country": g.country,
            "latitude": g.latitude,
            "longitude": g.longitude,
            "recognized_officials": g.people,
        }
        for _code, _name, rows in recognized.countries
        for g in rows
    ]
    return {"named": recognized.named, "unnamed": recognized.unnamed, "governments": governments}


def automapeo_data(initiative):
    matrix = automapeo_matrix(initiative)
    return {
        "governments": matrix.governments,
        "objectives": [
            {
                "number": row.objective.number,
                "title": {"es": row.objective.title_es, "pt-br": row.objective.title_pt, "en": row.objective.title_en},
                "actions": row.actions,
                "governments": row.governments,
            }
            for row in matrix.rows
        ],
        "principles": [
            {
                "number": principle.number,
                "title": {"es": principle.title_es, "pt-br": principle.title_pt, "en": principle.title_en},
                "actions": actions,
                "governments": governments,
            }
            for principle, actions, governments in matrix.principles
        ],
        "uncovered_objectives": [objective.number for objective in matrix.uncovered],
    }


def almi_data(initiative):
    return {
        "themes": [
            {
                "theme": theme.theme,
                "items": [
                    {
                        "title": item.title,
                        "summary": item.summary,
                        "kind": item.kind,
                        "objectives": [objective.number for objective in item.objectives.all()],
                        "governments": item.governments,
                        "countries": item.countries,
                    }
                    for item in theme.items
                ],
            }
            for theme in almi_agenda(initiative)
        ]
    }


def knowledge_data(initiative):
    """The knowledge gain as its page shows it: no group of fewer than SMALLEST_GROUP people (a pooled group has
    no country or role), nothing where too few answered, and the notes that say why in the three languages."""
    gain = knowledge_gain(initiative)

    def buckets(rows):
        return [{"low": bucket.low, "high": bucket.high, "people": bucket.people} for bucket in rows]

    def groups(rows, name):
        return [{name: group.key or None, "people": group.people, "average": group.average} for group in rows]

    notes = {}
    for language in LANGUAGES:
        with translation.override(language):
            notes[language] = gain.notes
    return {
        "smallest_group": SMALLEST_GROUP,
        "people": gain.people if may_show(gain.people) else None,
        "average": gain.average,
        "distribution": buckets(gain.distribution),
        "by_country": groups(gain.by_country, "country"),
        "by_role": groups(gain.by_role, "role"),
        "satisfaction": {
            "people": gain.satisfaction_people if may_show(gain.satisfaction_people) else None,
            "average": gain.satisfaction_average,
            "scores": buckets(gain.satisfaction),
        },
        "notes": notes,
    }


PIECE_DATA = {
    Piece.RECOGNIZED: recognized_data,
    Piece.AUTOMAPEO: automapeo_data,
    Piece.ALMI: almi_data,
    Piece.KNOWLEDGE: knowledge_data,
}


def open_data(initiative):
    """Everything public of an initiative in one document: the open-data JSON download."""
    detail = initiative_detail(initiative)
    for piece in detail["published_pieces"]:
        if piece in PIECE_DATA:
            detail[piece] = PIECE_DATA[piece](initiative)
    return detail


def verification(code):
    """What the public verification page says of a code: valid, revoked (with date and reason) or unknown."""
    return verification_facts(code)
