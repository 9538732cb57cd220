"""Tagged, readable certificates (issue 16, item 6): a structure tree in reading order with the holder's words
in it, the document's language, alternative text for the QR code, no text under 9 pt; for one certificate and
for certificates put together from two layers (certificates/tagging.py). Read back with poppler's pdfinfo, an
independent reader, and with pikepdf."""

import io
import re
import subprocess

import pikepdf
import pytest

from certificates.pdf import render_recognition_pdf, render_recognition_pdfs
from tests.certificates.test_pdf import government, initiative, person  # noqa: F401 (initiative: a fixture)

pytestmark = pytest.mark.django_db

QR_ALT = {
    "es": "Código QR de la página de verificación",
    "pt-br": "QR code da página de verificação",
    "en": "QR code of the verification page",
}


def pdfinfo(pdf, tmp_path, *options):
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfinfo", *options, str(path)], capture_output=True, text=True, check=True).stdout


def structure_text(pdf, tmp_path):
    """The words of the structure tree, in its order (what a screen reader reads)."""
    return " ".join(re.findall(r'^\s*"(.*)"$', pdfinfo(pdf, tmp_path, "-struct-text"), re.M))


def elements(element):
    yield element
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else []:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
            yield from elements(kid)


def content_of(kid):
    """Where a figure's marked content is: ("page", MCID) or ("form", MCID) for a form XObject's."""
    if isinstance(kid, int):
        return ("page", kid)
    return ("form" if kid.Stm.Subtype == "/Form" else "?", int(kid.MCID))


def figures(pdf):
    """(alternative text, where its content is) of each figure of the structure tree."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [
            (str(e.get("/Alt", "")), content_of(e.K[0]))
            for e in elements(document.Root.StructTreeRoot.K[0])
            if e.get("/S") == "/Figure"
        ]


def smallest_text_pt(pdf):
    """The smallest font size drawn on the page and in its form XObjects, in points (WeasyPrint draws in CSS px
    under a 0.75 scale, with text matrices of scale 1, checked)."""
    sizes = []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        streams = [page, *(x for x in page.Resources.get("/XObject", {}).values() if x.get("/Subtype") == "/Form")]
        for stream in streams:
            for operands, operator in pikepdf.parse_content_stream(stream):
                if operator == pikepdf.Operator("Tf"):
                    sizes.append(float(operands[1]) * 0.75)
                elif operator == pikepdf.Operator("Tm"):
                    assert abs(float(operands[0])) == 1 and abs(float(operands[3])) == 1
    return min(sizes)


def assert_tagged(pdf, tmp_path, *, language, holder, order):
    info = pdfinfo(pdf, tmp_path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert str(document.Root.Lang) == language
        assert document.Root.MarkInfo.Marked is True
    text = structure_text(pdf, tmp_path)
    positions = [text.find(words) for words in order]
    assert -1 not in positions and positions == sorted(positions), (order, text)
    assert holder in text
    assert [alt for alt, _mcid in figures(pdf)] == [QR_ALT[language]]
    assert smallest_text_pt(pdf) >= 9
    return text


def test_one_certificate_is_tagged_with_its_language_and_the_qr_codes_text(initiative, tmp_path):  # noqa: F811
    recognition = person(initiative, language="es")
    pdf = render_recognition_pdf(recognition)
    assert_tagged(
        pdf,
        tmp_path,
        language="es",
        holder="Ana Núñez",
        order=["RECONOCIMIENTO", "otorgado a", "Director Regional", recognition.code],
    )
    assert figures(pdf)[0][1][0] == "page"
    english = render_recognition_pdf(recognition, language="en")
    assert_tagged(english, tmp_path, language="en", holder="Ana Núñez", order=["RECOGNITION", recognition.code])


def test_batched_certificates_are_tagged_in_reading_order_each_with_its_own_holder(initiative, tmp_path):  # noqa: F811
    people = [
        person(initiative, first_name="Ana", language="es"),
        person(initiative, first_name="Beatriz", language="pt-br"),
        person(
            initiative, first_name="Carla", language="es", position="Secretaria de Derechos Humanos " * 6
        ),  # 186 of 200,
    ]
    recognitions = [*people, government(initiative, language="en")]
    pdfs = render_recognition_pdfs(recognitions)
    for recognition, pdf in zip(recognitions, pdfs, strict=True):
        heading = {"es": "RECONOCIMIENTO", "pt-br": "RECONHECIMENTO", "en": "RECOGNITION"}[recognition.language]
        text = assert_tagged(
            pdf,
            tmp_path,
            language=recognition.language,
            holder=recognition.holder_name,
            # The holder's name right after the heading block, the QR code's code last.
            order=[heading, recognition.holder_name, "Director Regional", recognition.code],
        )
        for other in recognitions:
            if other is not recognition:
                assert other.code not in text
        # The QR code is drawn on the page itself, its marked content the page's.
        ((_alt, (where, _mcid)),) = figures(pdf)
        assert where == "page"


def test_the_longest_position_stays_at_9_pt_on_one_page(initiative, tmp_path):  # noqa: F811
    recognition = person(initiative, position="Secretaría de Desarrollo Social y Atención a Personas Migrantes " * 3)
    pdf = render_recognition_pdf(recognition)
    assert re.search(r"^Pages:\s+1$", pdfinfo(pdf, tmp_path), re.M)
    assert smallest_text_pt(pdf) >= 9
