"""The initiative's report as PDF (WeasyPrint): stages and figures, the map, the Automapeo analysis, the ALMI,
the recognized governments and the knowledge gain, in one language. Uses the certificates' restricted fetcher
and fonts, so that nothing in the report can make the renderer read a local file or reach the network."""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

from .dissemination import (
    almi_agenda,
    automapeo_matrix,
    country_paths,
    map_markers,
    map_size,
    publication_states,
    recognized_governments,
)
from .enums import Piece
from .knowledge import knowledge_gain
from .stages import initiative_figures

STYLESHEET = "initiative/report.css"
REPORT_CACHE_SECONDS = 24 * 60 * 60


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


def render_report_pdf(initiative, *, language, pieces):
    html = report_html(initiative, language=language, pieces=pieces)
    # Laying out the report of a large region takes seconds: the PDF is kept under the digest of its HTML,
    # so that any change of the data renders anew while repeated requests cost only the HTML.
    key = "initiative-report:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = _write_pdf(html)
        cache.set(key, pdf, timeout=REPORT_CACHE_SECONDS)
    return pdf


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
