"""What an initiative's published figures, pages and report are made of, as one short fingerprint: it changes
whenever any of their data changes, whoever wrote it (a service, the admin, an import, a bulk insert).

For each table the figures read, the number of the initiative's rows and the latest `updated` time (the newest
id for the rows never updated: transitions, the links between rows): an insert or a deletion changes the number,
an update the time (every writer goes through `save()`, `bulk_create` or the
imports' `update_each`, which all stamp `updated`; `tests/initiative/test_reports.py` checks the writers that
matter). Computed in one query: what is kept under the fingerprint (the report's PDF, cached figures) is
current by construction, with nothing to invalidate by hand.
"""

import hashlib

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value

from authorities.models import Invitation, LocalGovernment, Official
from certificates.models import Recognition
from workshops.models import (
    AlmiAgendaItem,
    AlmiContribution,
    Attendance,
    Automapeo,
    AutomapeoAction,
    QuestionnaireResponse,
    Session,
)

from .models import Initiative, Publication, StageTransition

# (model, the lookup from it to its initiative; None: every row counts, for every initiative)
SOURCES = (
    (Publication, "initiative"),
    (StageTransition, "initiative"),
    (Invitation, "initiative"),
    (Session, "event__initiative"),
    (Attendance, "session__event__initiative"),
    (Recognition, "initiative"),
    (Automapeo, "initiative"),
    (AutomapeoAction, "automapeo__initiative"),
    (AlmiContribution, "initiative"),
    (AlmiAgendaItem, "initiative"),
    (QuestionnaireResponse, "initiative"),
    (Official, None),  # names, genders and consents of the people shown
    (LocalGovernment, None),  # names, places and consents of the governments shown
    # Links between rows, which change no row's `updated`: counted, and their newest id.
    (AutomapeoAction.objectives.through, "automapeoaction__automapeo__initiative"),
    (AutomapeoAction.principles.through, "automapeoaction__automapeo__initiative"),
    (AlmiContribution.objectives.through, "almicontribution__initiative"),
    (AlmiAgendaItem.objectives.through, "almiagendaitem__initiative"),
    (AlmiAgendaItem.contributions.through, "almiagendaitem__initiative"),
)


def _aggregate(model, path, function):
    rows = model.objects.order_by()
    if path is None:
        rows = rows.annotate(_all=Value(1, output_field=IntegerField())).values("_all")
    else:
        rows = rows.filter(**{path: OuterRef("pk")}).values(path)
    return Subquery(rows.annotate(_value=function).values("_value")[:1])


def data_fingerprint(initiative):
    """A short text that changes whenever the data behind the initiative's published pieces change. One query."""
    columns = {"_initiative": Max("updated")}
    for index, (model, path) in enumerate(SOURCES):
        stamped = any(f.name == "updated" for f in model._meta.concrete_fields)
        columns[f"n{index}"] = _aggregate(model, path, Count("pk"))
        columns[f"t{index}"] = _aggregate(model, path, Max("updated" if stamped else "pk"))
    row = Initiative.objects.filter(pk=initiative.pk).values("pk").annotate(**columns).get()
    text = "|".join(f"{key}={row[key]}" for key in sorted(row))
    return hashlib.sha256(text.encode()).hexdigest()[:20]
