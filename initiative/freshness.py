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

from django.core.cache import cache
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.utils import translation

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
    # Links between rows, which change no row's `updated`: counted, and their newest id. (The objectives of an
    # Automapeo action or an ALMI contribution change only with their form, which saves the row itself.)
    (AlmiAgendaItem.objectives.through, "almiagendaitem__initiative"),
    (AlmiAgendaItem.contributions.through, "almiagendaitem__initiative"),
)


def _rows(model, path):
    rows = model.objects.order_by()
    return rows if path is None else rows.filter(**{path: OuterRef("pk")})


def _count(model, path):
    rows = _rows(model, path)
    if path is None:
        rows = rows.annotate(_all=Value(1, output_field=IntegerField())).values("_all")
    else:
        rows = rows.values(path)
    return Subquery(rows.annotate(_value=Count("pk")).values("_value")[:1])


def _latest(model, path):
    """The latest `updated` (the newest id, for rows never updated), as ORDER BY … LIMIT 1 rather than MAX with
    a GROUP BY: a third of the time on PostgreSQL at 13,400 governments (bench/report_pdf.py)."""
    stamped = any(f.name == "updated" for f in model._meta.concrete_fields)
    column = "updated" if stamped else "pk"
    return Subquery(_rows(model, path).order_by(f"-{column}").values(column)[:1])


def data_fingerprint(initiative):
    """A short text that changes whenever the data behind the initiative's published pieces change. One query."""
    columns = {"_initiative": Max("updated")}
    for index, (model, path) in enumerate(SOURCES):
        columns[f"n{index}"] = _count(model, path)
        columns[f"t{index}"] = _latest(model, path)
    row = Initiative.objects.filter(pk=initiative.pk).values("pk").annotate(**columns).get()
    text = "|".join(f"{key}={row[key]}" for key in sorted(row))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


# What a public page computes from the data, kept until the data change (no invalidation to forget: the key holds
# the fingerprint). A day at most, so that entries of data long changed leave the cache.
CACHE_SECONDS = 24 * 60 * 60


def cached(initiative, name, compute, *, fingerprint):
    """`compute()` for `initiative`, kept in the cache under `name`, the data's `fingerprint` and the active
    language (names of countries and labels are translated as they are computed)."""
    key = f"initiative-data:{initiative.pk}:{name}:{translation.get_language()}:{fingerprint}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=CACHE_SECONDS)
    return value
