"""The initiative's report as PDF (WeasyPrint): stages and figures, the map, the Automapeo analysis, the ALMI
and the recognized governments, in one language. Uses the certificates' restricted fetcher and fonts, so that
nothing in the report can make the renderer read a local file or reach the network."""

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
            "recognized": recognized,
            "map_paths": country_paths(),
            "markers": map_markers(recognized) if recognized else [],
            "map_width": width,
            "map_height": height,
            "for_print": True,
        }
        return render_to_string("initiative/pdf/report.html", context)


def render_report_pdf(initiative, *, language, pieces):
    from weasyprint import CSS, HTML

    from certificates.pdf import STATIC_PREFIX, _renderer, read_static

    fetcher, font_config, _stylesheet = _renderer()
    stylesheet = CSS(
        string=read_static(STYLESHEET).decode(),
        base_url=STATIC_PREFIX + STYLESHEET,
        url_fetcher=fetcher,
        font_config=font_config,
    )
    html = report_html(initiative, language=language, pieces=pieces)
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], font_config=font_config
    )
