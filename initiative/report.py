"""The initiative's report as PDF (WeasyPrint): stages and figures, the map, the Automapeo analysis, the ALMI,
the recognized governments and the knowledge gain, in one language. Uses the certificates' restricted fetcher
and fonts, so that nothing in the report can make the renderer read a local file or reach the network.

Laying out the report of a large region takes seconds, so readers never wait for it: the PDF is rendered in the
background (`tasks.render_report`) and kept in the default storage (`ReportFile`), labelled with the fingerprint
of the data it shows (freshness.py). A reader gets the stored file when it is current; else a rendering is
queued and the reader is told so and offered the previous version. What changes the public report (publication,
attendance, issuance, revocation) queues its rendering at once (`refresh_public_reports_on_commit`)."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .dissemination import (
    almi_agenda,
    automapeo_matrix,
    country_paths,
    map_markers,
    map_size,
    publication_states,
    recognized_governments,
)
from .enums import Language, Piece
from .freshness import data_fingerprint
from .knowledge import knowledge_gain
from .models import Initiative, ReportFile
from .public_data import public_pieces
from .stages import initiative_figures

STYLESHEET = "initiative/report.css"


def report_html(initiative, *, language, pieces):
    """The report's HTML with the pieces in `pieces` (a set of Piece values) and the figures."""
    with translation.override(language):
        recognized = recognized_governments(initiative) if Piece.RECOGNIZED in pieces else None
        width, height = map_size()
        context = {
            "language": language,
            "initiative": initiative,
            "states": publication_states(initiative),
            "transitions": list(initiative.transitions.order_by("at")),
            "figures": initiative_figures(initiative),
            "matrix": automapeo_matrix(initiative) if Piece.AUTOMAPEO in pieces else None,
            "themes": almi_agenda(initiative) if Piece.ALMI in pieces else None,
            "gain": knowledge_gain(initiative) if Piece.KNOWLEDGE in pieces else None,
            "recognized": recognized,
            "map_paths": country_paths(),
            "markers": map_markers(recognized) if recognized else [],
            "map_width": width,
            "map_height": height,
            "for_print": True,
        }
        return render_to_string("initiative/pdf/report.html", context)


# A rendering asked for longer ago than this without result is asked again (its worker may have died).
RENDERING_RETRY_AFTER = timedelta(minutes=10)


def pieces_key(pieces):
    return ",".join(sorted(str(piece) for piece in pieces))


def render_report_pdf(initiative, *, language, pieces):
    """The report's PDF, laid out now (seconds for a large region: the background task's work)."""
    return _write_pdf(report_html(initiative, language=language, pieces=pieces))


def stored_report(initiative, *, language, pieces):
    """(the stored report of `initiative` in `language` with `pieces`, or None; whether it shows the current
    data). When it is missing or stale, a rendering is asked for (once, however many readers ask): with the
    database task backend the reader is told and offered the previous version; with the immediate one (the demo,
    the tests) it is there on return. Two queries when current."""
    key = pieces_key(pieces)
    fingerprint = data_fingerprint(initiative)
    report = ReportFile.objects.filter(initiative=initiative, language=language, pieces=key).first()
    if report is None or report.fingerprint != fingerprint or not report.pdf:
        ask_for_rendering(initiative, language=language, pieces=key, fingerprint=fingerprint)
        report = ReportFile.objects.filter(initiative=initiative, language=language, pieces=key).first()
    if report.fingerprint == fingerprint and report.pdf:
        return report, True
    return _previous_version(initiative, language=language, pieces=pieces) or report, False


def _previous_version(initiative, *, language, pieces):
    """The latest stored report in `language` that shows none but `pieces` (when a piece was just published,
    the one made before it was), or None."""
    stored = ReportFile.objects.filter(initiative=initiative, language=language).exclude(pdf="")
    shown = [r for r in stored.order_by("-rendered_at") if set(filter(None, r.pieces.split(","))) <= set(pieces)]
    return shown[0] if shown else None


def ask_for_rendering(initiative, *, language, pieces, fingerprint):
    """Queue the rendering of the report (`pieces` as pieces_key gives them) for the data of `fingerprint`,
    unless one was asked for these data lately."""
    from .tasks import render_report

    report, _created = ReportFile.objects.get_or_create(initiative=initiative, language=language, pieces=pieces)
    now = timezone.now()
    claimed = (
        ReportFile.objects.filter(pk=report.pk)
        .filter(
            ~Q(requested=fingerprint) | Q(requested_at__isnull=True) | Q(requested_at__lt=now - RENDERING_RETRY_AFTER)
        )
        .update(requested=fingerprint, requested_at=now)
    )
    if claimed:
        # Queued at once: the callers run outside any transaction (a reader's request, an on_commit callback),
        # so the worker finds the row as claimed.
        render_report.enqueue(report.pk)


def refresh_public_reports(initiative):
    """Render anew, in the background, the public report in each language, once what it shows has changed
    (publication, attendance, issuance, revocation call this): its first reader is served, not kept waiting."""
    pieces = pieces_key(public_pieces(initiative))
    if not pieces:
        return
    fingerprint = data_fingerprint(initiative)
    for language in Language.values:
        ask_for_rendering(initiative, language=language, pieces=pieces, fingerprint=fingerprint)


def refresh_public_reports_on_commit(initiative_id):
    """Once the transaction that changed the data commits (or now, outside one): the public pages' data computed
    and the public report rendered anew, both in the background."""
    from .tasks import warm_public_pages

    def refresh():
        warm_public_pages.enqueue(initiative_id)
        refresh_public_reports(Initiative.objects.get(pk=initiative_id))

    transaction.on_commit(refresh)


def render_stored_report(report_pk):
    """Render a ReportFile for the data as they are now and keep it in the storage, replacing the previous file.
    Does nothing when the stored one is current already; a newer one stored meanwhile by another worker wins."""
    report = ReportFile.objects.select_related("initiative").get(pk=report_pk)
    initiative = report.initiative
    started = timezone.now()
    fingerprint = data_fingerprint(initiative)
    if report.fingerprint == fingerprint and report.pdf:
        return report
    pdf = render_report_pdf(initiative, language=report.language, pieces=set(filter(None, report.pieces.split(","))))
    name = default_storage.save(
        f"reports/{initiative.pk}/{initiative.slug}-{report.language}-{fingerprint}.pdf", ContentFile(pdf)
    )
    with transaction.atomic():
        current = ReportFile.objects.select_for_update().get(pk=report_pk)
        if current.rendered_at and current.rendered_at > started:
            stale = name  # another worker stored a rendering of data it read after ours
        else:
            stale = current.pdf.name
            # rendered_at: when the data were read, so that of two renderings the later data win.
            current.pdf, current.fingerprint, current.rendered_at = name, fingerprint, started
            current.save(update_fields=["pdf", "fingerprint", "rendered_at", "updated"])
    if stale and stale != current.pdf.name:
        default_storage.delete(stale)  # the row names the new file already: nobody is served the old one
    return current


def _write_pdf(html):
    from weasyprint import CSS, HTML

    from certificates.pdf import STATIC_PREFIX, _renderer, read_static

    fetcher, font_config, _stylesheet = _renderer()
    stylesheet = CSS(
        string=read_static(STYLESHEET).decode(),
        base_url=STATIC_PREFIX + STYLESHEET,
        url_fetcher=fetcher,
        font_config=font_config,
    )
    # Tagged (headings, tables, the map as a figure whose alternative text is its <title>), in the report's
    # language (<html lang>), so that a screen reader reads it as the page it was made from.
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], font_config=font_config, pdf_tags=True
    )
