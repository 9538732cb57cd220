"""The recognitions as PDF: a person's certificate and a government's recognition, A4 landscape.

Each page is rendered from a template inside `translation.override(language)`, so that one document can hold
pages in Spanish, Portuguese and English. WeasyPrint is imported inside the functions (it is slow to import)
and fetches through `StaticOnlyFetcher`: our own static files and nothing else, so that no text on a
certificate can make the renderer read a local file or reach the network.

A certificate is made in two layers: what a batch's pages share (border, titles, IOM's wording, date,
signatory, the verification page's address) laid out by WeasyPrint once per batch, and the holder's own words
(name, position, QR code and its code) drawn on each copy of that page by holder.py, without an HTML layout.
In a batch of 50 a certificate costs about 9 ms of CPU, a third of what a WeasyPrint layout per certificate
cost; alone, about 150 ms (its fonts subset for it alone), against 37 ms for the whole page laid out by
WeasyPrint (bench/issue_certificates.py, bench/results/certificates.txt). The words land where WeasyPrint puts
them (tests/certificates/test_pdf.py compares their positions with the whole page laid out by WeasyPrint, which
is also what a certificate gets whose words the shipped fonts cannot draw).
"""

import atexit
import io
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from alp_portal.content_language import localized

from . import holder
from .enums import RecognitionKind
from .models import CODE_ALPHABET

# Resources are addressed under this made-up origin, which no network can serve: the fetcher answers it from
# our static files. (".invalid" is reserved and never resolves.)
STATIC_ORIGIN = "https://static.alp.invalid"
STATIC_PREFIX = f"{STATIC_ORIGIN}/static/"
# The QR code of a verification code, made on the fly by segno (see qr_png).
QR_PREFIX = f"{STATIC_ORIGIN}/qr/"
QR_DARK = 0x1B  # the ink of the text, #1b2a3a, in grey
# A fixed mask pattern: segno otherwise tries all eight and scores them in Python (2.5 ms a code, most of the
# code's cost). Any of the eight is valid and reads the same; this one scores well on our URLs.
QR_MASK = 0
QR_PIXELS = 8  # pixels per module of the QR code's picture
_GROUP = f"[{CODE_ALPHABET}]{{4}}"
QR_URL = re.compile(rf"^{re.escape(QR_PREFIX)}({_GROUP}-{_GROUP}-{_GROUP})\.png$")
STYLESHEET = "certificates/certificate.css"


class RefusedResource(ValueError):
    pass


def read_static(path):
    """The bytes of one of our static files, by its path under static/, or RefusedResource."""
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(part in ("", ".", "..") for part in parts):
        raise RefusedResource(f"Refused static path {path!r}.")
    found = finders.find(path)
    if not found:
        raise RefusedResource(f"No static file {path!r}.")
    with open(found, "rb") as handle:
        return handle.read()


def make_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves our static files under STATIC_PREFIX and the QR codes of verification codes under QR_PREFIX;
        refuses every other URL (file:, http:, data:, ...)."""

        def __init__(self):
            super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

        def fetch(self, url, headers=None):
            if match := QR_URL.match(url):
                png = qr_png(verification_url(match[1]))
                return URLFetcherResponse(url, png, {"Content-Type": "image/png"})
            parts = urlsplit(url)
            if not url.startswith(STATIC_PREFIX) or parts.query or parts.fragment:
                raise RefusedResource(f"Refused to fetch {url!r}: only the portal's static files are served.")
            path = unquote(parts.path.removeprefix("/static/"))
            body = read_static(path)
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnlyFetcher()


@cache
def _renderer():
    """The fetcher, the font configuration and the parsed stylesheet, made once per process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fetcher = make_fetcher()
    font_config = FontConfiguration()
    stylesheet = CSS(
        string=read_static(STYLESHEET).decode(),
        base_url=STATIC_PREFIX + STYLESHEET,
        url_fetcher=fetcher,
        font_config=font_config,
    )
    return fetcher, font_config, stylesheet


# Let the font configuration go while its libraries are still loaded (otherwise its __del__ fails at exit).
atexit.register(_renderer.cache_clear)


def verification_url(code):
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", args=[code])


def qr_png(url):
    """The QR code of `url` (made by segno) as a PNG of QR_PIXELS pixels per module, drawn without smoothing
    (image-rendering: pixelated, /Interpolate false): it prints as sharp as a vector, and a viewer that smooths
    images anyway blurs only the outer eighth of a module's edge.

    Not segno's SVG: WeasyPrint parses and draws an SVG path in Python, about 4 ms a page; with it, batched
    issuance was 2.51 times the one-by-one rate instead of 3.11 (bench/issue_certificates.py, 2026-11-22).
    Nor segno's PNG writer, pure Python too. Pillow writes it in C. The mask is fixed (QR_MASK) rather than chosen by
    segno's scoring of all eight.
    """
    from PIL import Image

    matrix = segno.make(url, error="m", mask=QR_MASK).matrix
    size = len(matrix)
    pixels = bytes(QR_DARK if module & 1 else 255 for row in matrix for module in row)
    image = Image.frombytes("L", (size, size), pixels)
    image = image.resize((size * QR_PIXELS, size * QR_PIXELS), Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def name_size_class(name):
    """A smaller type for longer names: a name of 60 characters stays on one line, and the longest the form
    takes (301 characters) stays in the holder's slot of the page."""
    length = len(name)
    if length > 100:
        return "name-xxxl"
    if length > 60:
        return "name-xxl"  # may wrap onto a second line
    if length > 45:
        return "name-xl"
    if length > 30:
        return "name-l"
    return "name-m"


def role_size_class(role):
    """The line under the name (position, government, country): up to 190 characters in two lines at the
    normal size, smaller beyond, so that it stays in the holder's slot."""
    length = len(role)
    if length > 300:
        return "role-xs"
    if length > 190:
        return "role-s"
    return ""


def page_context(recognition):
    initiative = recognition.initiative
    if recognition.kind == RecognitionKind.PERSON:
        official = recognition.official
        government = official.local_government
        role = f"{official.position} · " if official.position else ""
        role += f"{government.name}, {government.country.name}"
    else:
        government = recognition.local_government
        role = f"{government.region}, " if government.region else ""
        role += government.country.name
    return {
        "recognition": recognition,
        "holder_name": recognition.holder_name,
        "name_size": name_size_class(recognition.holder_name),
        "role": role,
        "role_size": role_size_class(role),
        "initiative": initiative,
        "issued_at": recognition.issued_at,
        "signatory_name": initiative.signatory_name,
        "signatory_title": localized(initiative, "signatory_title"),
        "verify_form_url": settings.SITE_URL.rstrip("/") + reverse("certificates:verify_form"),
        "qr_url": f"{QR_PREFIX}{recognition.code}.png",
        "code": recognition.code,
    }


STATIC_LAYER, BOTH_LAYERS = "static", "both"


def page_html(recognition, language=None, layer=BOTH_LAYERS):
    """One page (a <section>) of `recognition`, in `language` or the recognition's own.

    The page is made of two layers: the static one (border, titles, IOM's wording, date, signatory, the
    verification page's address), shared by every certificate of a kind, language, initiative and day of issue,
    and the holder's (the name and position, the QR code and its code) at fixed places, which holder.py draws
    the same way. `layer` asks for the static one alone, or both (the whole page).
    """
    language = language or recognition.language
    template = (
        "certificates/pdf/person.html"
        if recognition.kind == RecognitionKind.PERSON
        else "certificates/pdf/government.html"
    )
    with translation.override(language):
        context = page_context(recognition)
        context["language"] = language
        context["static"] = layer in (STATIC_LAYER, BOTH_LAYERS)
        context["variable"] = layer == BOTH_LAYERS
        return render_to_string(template, context)


def _document(pages, language):
    from weasyprint import HTML

    fetcher, font_config, stylesheet = _renderer()
    html = render_to_string(
        "certificates/pdf/document.html", {"pages": [mark_safe(page) for page in pages], "language": language}
    )
    return HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=font_config
    )


def render_full_page(recognition, language=None):
    """The whole page of one recognition laid out by WeasyPrint from its template: what a certificate gets
    whose holder's words the shipped fonts cannot draw (see holder.drawable), and the reference the drawn words
    are tested against."""
    language = language or recognition.language
    return _document([page_html(recognition, language)], language).write_pdf(pdf_tags=True)


def render_recognition_pdf(recognition, language=None):
    """The PDF of one recognition, in `language` or its own."""
    return _render([recognition], language)[0]


@dataclass
class HolderWords:
    """What is drawn of the holder on a certificate, in its language."""

    name: str
    name_size: str
    role: str
    role_size: str
    code: str
    url: str
    qr_alt: str

    @classmethod
    def of(cls, recognition, language):
        with translation.override(language):
            context = page_context(recognition)
            qr_alt = gettext("QR code of the verification page")
        return cls(
            name=context["holder_name"],
            name_size=context["name_size"],
            role=context["role"],
            role_size=context["role_size"],
            code=context["code"],
            url=verification_url(recognition.code),
            qr_alt=qr_alt,
        )

    @property
    def drawable(self):
        return holder.drawable(self.name, holder.NAME_FONT) and holder.drawable(self.role, holder.ROLE_FONT)

    def layout(self):
        return holder.layout(self.name, self.name_size, self.role, self.role_size, self.code)


def render_recognition_pdfs(recognitions):
    """One PDF per recognition, each in its own language, for many recognitions at a time (see _render)."""
    return _render(list(recognitions))


def _render(recognitions, language=None):
    """One PDF per recognition (in `language`, or each in its own).

    What a batch's pages share (border, titles, IOM's wording, date, signatory, the verification page's
    address) is laid out by WeasyPrint once, as one small document (as many pages as there are kinds and
    languages among the recognitions, usually three); each holder's words (name, position, QR code, code) are
    drawn on their copy of that page by holder.py, in fonts subset once for the batch, and the page's structure
    tree completed with them (tagging.py). A recognition whose words the shipped fonts cannot draw gets its
    whole page from WeasyPrint (render_full_page); so do all of them, should the shared layer not come out as
    one page each.
    """
    languages = [language or r.language for r in recognitions]
    words = [HolderWords.of(r, lang) for r, lang in zip(recognitions, languages, strict=True)]
    drawn = [i for i, w in enumerate(words) if w.drawable]
    pdfs = [
        None if i in drawn else render_full_page(r, lang)
        for i, (r, lang) in enumerate(zip(recognitions, languages, strict=True))
    ]
    if not drawn:
        return pdfs
    static_pages = [page_html(recognitions[i], languages[i], layer=STATIC_LAYER) for i in drawn]
    statics = list(dict.fromkeys(static_pages))  # the distinct shared pages, in order
    static_index = {html: i for i, html in enumerate(statics)}
    static_document = _document(statics, languages[drawn[0]])
    if len(static_document.pages) != len(statics):
        return [render_full_page(r, lang) for r, lang in zip(recognitions, languages, strict=True)]
    static_pdf = static_document.write_pdf(pdf_tags=True)
    del static_document  # the layout: let it go before the PDFs are put together
    composed = compose_pages(
        static_pdf,
        [static_index[html] for html in static_pages],
        [words[i] for i in drawn],
        [languages[i] for i in drawn],
    )
    for i, pdf in zip(drawn, composed, strict=True):
        pdfs[i] = pdf
    return pdfs


def compose_pages(static_pdf, which_static, words, languages):
    """One PDF per holder: the page `which_static[i]` of `static_pdf` with `words[i]` drawn on it, the metadata
    of `static_pdf`, its own language, tagged (tagging.py). pikepdf (qpdf, in C++) does the copying."""
    import pikepdf

    from .tagging import StaticLayer

    layouts = [w.layout() for w in words]
    fonts = holder.Fonts(layouts)
    pdfs = []
    with pikepdf.open(io.BytesIO(static_pdf)) as statics:
        info = dict(statics.docinfo.items())
        layer = StaticLayer(statics)
        holder_fonts = fonts.make_in(statics)
        for static, holder_words, blocks, language in zip(which_static, words, layouts, languages, strict=True):
            with pikepdf.new() as single:
                single.pages.append(statics.pages[static])
                page = single.pages[0]
                first = layer.next_mcid(static)
                qr, (x, y, size) = holder.qr_path(holder_words.url)
                # The shared page leaves its transformation in place: enclose it, then draw over it.
                page.contents_add(pikepdf.Stream(single, b"q\n"), prepend=True)
                page.contents_add(pikepdf.Stream(single, b"Q\n" + holder.content(blocks, qr, first)))
                page_fonts = page.Resources.get("/Font")
                if page_fonts is None:
                    page_fonts = page.Resources.Font = pikepdf.Dictionary()
                for name, font in holder_fonts.items():
                    page_fonts[b"/" + name] = single.copy_foreign(font)
                word_mcids = [("/P", first + i) for i in range(len(blocks) - 1)]
                figure_mcid = first + len(blocks) - 1
                # The QR code's box in PDF points, from the bottom left.
                bbox = [x * 0.75, 595.275591 - (y + size) * 0.75, (x + size) * 0.75, 595.275591 - y * 0.75]
                layer.tag(single, static, word_mcids, ((holder_words.qr_alt, bbox, figure_mcid), figure_mcid + 1))
                # WeasyPrint gives all the pages of a document one dictionary of resources: without this, each
                # PDF would carry the fonts and pictures of its batch's other shared pages.
                single.remove_unreferenced_resources()
                for key, value in info.items():
                    single.docinfo[key] = value
                single.Root.Lang = pikepdf.String(language)
                out = io.BytesIO()
                # Object streams: 9 % smaller, no slower.
                single.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
                pdfs.append(out.getvalue())
    return pdfs
