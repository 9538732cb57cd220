"""Public pages of the dissemination stage, and the same pages for staff and participants before publication.

An unpublished piece answers 404 to anyone outside the initiative (a 403 would tell them it exists).
"""

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from .dissemination import (
    almi_agenda,
    automapeo_matrix,
    country_paths,
    map_markers,
    map_size,
    recognized_governments,
    recognized_overview,
    visible_pieces,
)
from .enums import LICENCE_URLS, Language, Piece
from .freshness import cached, data_fingerprint
from .knowledge import knowledge_gain
from .models import Initiative
from .open_data import available_datasets, dataset_csv, dataset_label
from .public_data import get_published_initiative, open_data, public_pieces
from .stages import initiative_figures

BAR_WIDTH = 300  # SVG units of the longest bar


def bars(rows):
    """[(label, value)] as the rows (label, value, width, y) and height of a horizontal bar chart drawn in SVG."""
    top = max((value for _, value in rows), default=0) or 1
    return {
        "rows": [(label, value, round(BAR_WIDTH * value / top), 24 * i) for i, (label, value) in enumerate(rows)],
        "height": 24 * len(rows) + 4,
    }


def _initiative(request, slug, piece=None):
    initiative = get_object_or_404(Initiative, slug=slug)
    visible, states = visible_pieces(request.user, initiative)
    if piece is None:
        if not any(visible.values()):
            raise Http404("Nothing of this initiative is published.")
    elif not visible[piece]:
        raise Http404("Not published.")
    return initiative, visible, states


def _context(initiative, visible, states, piece=None, **extra):
    return {
        "initiative": initiative,
        "visible": visible,
        "publication": states.get(piece) if piece else None,
        "states": states,
        **extra,
    }


# What the public pages compute, by name: read through the cache under the data's fingerprint (freshness.cached),
# and computed ahead of the first reader when the data change (warm_public_pages).
# Up to this many named governments the region's page lists them all, each a marker; beyond, it lists the
# countries (a marker each) and each country's page lists its governments, RECOGNIZED_PER_PAGE at a time.
FULL_LIST_UP_TO = 300
RECOGNIZED_PER_PAGE = 200
PAGE_DATA = {
    "figures": lambda initiative, _fingerprint: initiative_figures(initiative),
    "automapeo": lambda initiative, _fingerprint: automapeo_matrix(initiative).by_country_only(),
    "almi": lambda initiative, _fingerprint: almi_agenda(initiative),
    "recognized": lambda initiative, _fingerprint: recognized_governments(initiative),
    # Kept apart, so that a page of a large region unpickles the region's counts or one country, not everything.
    "recognized-overview": lambda initiative, fingerprint: recognized_overview(
        page_data(initiative, "recognized", fingerprint), whole_up_to=FULL_LIST_UP_TO
    ),
    "knowledge": lambda initiative, _fingerprint: knowledge_gain(initiative),
}


def page_data(initiative, name, fingerprint):
    # The overview's shape depends on FULL_LIST_UP_TO: another value is another entry.
    key = f"{name}-{FULL_LIST_UP_TO}" if name == "recognized-overview" else name
    return cached(initiative, key, lambda: PAGE_DATA[name](initiative, fingerprint), fingerprint=fingerprint)


def warm_public_pages(initiative):
    """Compute what the public pages show, in every language, for the data as they are now: called in the
    background when publication, attendance, issuance or revocation change them
    (report.refresh_public_reports_on_commit), so that the first reader after a change reads it from the cache
    like everyone else."""
    fingerprint = data_fingerprint(initiative)
    for language in Language.values:
        with translation.override(language):
            for name in PAGE_DATA:
                page_data(initiative, name, fingerprint)


@require_GET
def initiative_page(request, slug):
    initiative, visible, states = _initiative(request, slug)
    figures = page_data(initiative, "figures", data_fingerprint(initiative))
    transitions = list(initiative.transitions.order_by("at"))
    published = public_pieces(initiative)
    return render(
        request,
        "initiative/initiative.html",
        _context(
            initiative,
            visible,
            states,
            figures=figures,
            transitions=transitions,
            figure_bars=bars([(f.title, f.figures.people) for f in figures]),
            open_datasets=[(d, dataset_label(d)) for d in available_datasets(published)] if published else [],
            open_data_published_at=max((p.published_at for p in published.values()), default=None),
            licence_url=LICENCE_URLS[initiative.data_licence],
        ),
    )


# Governments per page of a country's matrix: the page stays a few hundred kilobytes whatever the country's size.
MATRIX_COLUMNS_PER_PAGE = 50


@require_GET
def automapeo_page(request, slug):
    """The Automapeo analysis: objectives by country for the whole region, and, for one country chosen, by local
    government, a page of MATRIX_COLUMNS_PER_PAGE governments at a time."""
    initiative, visible, states = _initiative(request, slug, Piece.AUTOMAPEO)
    fingerprint = data_fingerprint(initiative)
    matrix = page_data(initiative, "automapeo", fingerprint)
    country = request.GET.get("country", "").upper()[:2]
    page = None
    if country in {code for code, _ in matrix.countries}:
        matrix = cached(
            initiative,
            f"automapeo-{country}",
            lambda: automapeo_matrix(initiative, country=country),
            fingerprint=fingerprint,
        )
        page = Paginator(matrix.columns, MATRIX_COLUMNS_PER_PAGE).get_page(request.GET.get("page"))
    else:
        country = ""
    return render(
        request,
        "initiative/automapeo.html",
        _context(
            initiative,
            visible,
            states,
            Piece.AUTOMAPEO,
            matrix=matrix,
            country=country,
            page=page,
            government_rows=_page_cells(matrix, page) if page else [],
            objective_bars=bars([(row.objective.number, row.governments) for row in matrix.rows]),
        ),
    )


def _page_cells(matrix, page):
    """[(row, cells of the page's governments)] of a country's matrix."""
    start = max(page.start_index() - 1, 0)
    return [(row, row.cells[start : start + len(page.object_list)]) for row in matrix.rows]


@require_GET
def almi_page(request, slug):
    initiative, visible, states = _initiative(request, slug, Piece.ALMI)
    return render(
        request,
        "initiative/almi.html",
        _context(
            initiative,
            visible,
            states,
            Piece.ALMI,
            themes=page_data(initiative, "almi", data_fingerprint(initiative)),
        ),
    )


@require_GET
def recognized_page(request, slug):
    initiative, visible, states = _initiative(request, slug, Piece.RECOGNIZED)
    fingerprint = data_fingerprint(initiative)

    def everything():
        return page_data(initiative, "recognized", fingerprint)

    overview = page_data(initiative, "recognized-overview", fingerprint)
    country = request.GET.get("country", "").upper()[:2]
    page = None
    if country in {code for code, _name, _count in overview.countries}:
        code, name, governments = cached(
            initiative,
            f"recognized-{country}",
            lambda: next(listed for listed in everything().countries if listed[0] == country),
            fingerprint=fingerprint,
        )
        page = Paginator(governments, RECOGNIZED_PER_PAGE).get_page(request.GET.get("page"))
        listed, markers = [(code, name, page.object_list)], map_markers(None, page.object_list)
    elif overview.whole is not None:
        country, listed, markers = "", overview.whole.countries, map_markers(overview.whole)
    else:
        country, listed, markers = "", None, overview.markers
    width, height = map_size()
    return render(
        request,
        "initiative/recognized.html",
        _context(
            initiative,
            visible,
            states,
            Piece.RECOGNIZED,
            recognized=overview,
            country=country,
            listed=listed,
            page=page,
            map_paths=country_paths(),
            markers=markers,
            map_width=width,
            map_height=height,
        ),
    )


@require_GET
def questionnaires_page(request, slug):
    """The knowledge gain and satisfaction, with no group of fewer than five people (initiative/knowledge.py)."""
    initiative, visible, states = _initiative(request, slug, Piece.KNOWLEDGE)
    gain = page_data(initiative, "knowledge", data_fingerprint(initiative))
    return render(
        request,
        "initiative/questionnaires.html",
        _context(
            initiative,
            visible,
            states,
            Piece.KNOWLEDGE,
            gain=gain,
            gain_bars=bars([(bucket.label, bucket.people) for bucket in gain.distribution]),
            satisfaction_bars=bars([(bucket.label, bucket.people) for bucket in gain.satisfaction]),
        ),
    )


@require_GET
def report_pdf(request, slug):
    """The initiative's report as PDF, in the language asked for (?lang=es|pt-br|en), with what the user may see:
    the stored file when it shows the current data; else a page that says it is being prepared and offers the
    previous version (?previous=1). No reader ever waits for a rendering (seconds for a large region)."""
    from .report import stored_report

    initiative, visible, _states = _initiative(request, slug)
    language = request.GET.get("lang") or translation.get_language()
    if language not in Language.values:
        language = Language.SPANISH
    pieces = {p for p, ok in visible.items() if ok}
    report, current = stored_report(initiative, language=language, pieces=pieces)
    filename = f"{initiative.slug}-{language}.pdf"
    if current or (request.GET.get("previous") and report.pdf):
        response = FileResponse(report.pdf.open("rb"), content_type="application/pdf", filename=filename)
    else:
        response = render(
            request,
            "initiative/report_pending.html",
            {"initiative": initiative, "language": language, "previous": report if report.pdf else None},
            status=202,  # accepted: it is being rendered
        )
        response["Retry-After"] = "30"
        return response
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Language"] = language
    if not current:
        response["Warning"] = '110 - "Response is Stale"'
    return response


# Open data: the published data of an initiative, under its licence (see initiative/open_data.py).

OPEN_DATA_CACHE_SECONDS = 300


def _open_data_response(response, initiative, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{LICENCE_URLS[initiative.data_licence]}>; rel="license"'
    patch_cache_control(response, public=True, max_age=OPEN_DATA_CACHE_SECONDS)
    return response


def _published_or_404(slug):
    initiative = get_published_initiative(slug)
    if initiative is None:
        raise Http404("Nothing of this initiative is published.")
    return initiative


@require_GET
def open_data_json(request, slug):
    initiative = _published_or_404(slug)
    response = JsonResponse(open_data(initiative), encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})
    return _open_data_response(response, initiative, f"{initiative.slug}.json")


@require_GET
def open_data_csv(request, slug, dataset):
    initiative = _published_or_404(slug)
    data = open_data(initiative)
    if dataset not in available_datasets(data["published_pieces"]):
        raise Http404("No such published dataset.")
    response = HttpResponse(dataset_csv(data, dataset), content_type="text/csv; charset=utf-8")
    return _open_data_response(response, initiative, f"{initiative.slug}-{dataset}.csv")
