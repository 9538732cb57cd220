import io
import re
import subprocess
from datetime import UTC, datetime

import pytest
import segno
from pypdf import PdfReader

from authorities.models import LocalGovernment
from certificates.enums import RecognitionKind
from certificates.models import Recognition
from certificates.pdf import (
    QR_DARK,
    QR_MASK,
    QR_PIXELS,
    STATIC_LAYER,
    _document,
    make_fetcher,
    page_html,
    read_static,
    render_full_page,
    render_recognition_pdf,
    render_recognition_pdfs,
)
from tests import factories as f
from tests.certificates.helpers import flat, pdf_text

pytestmark = pytest.mark.django_db

ISSUED = datetime(2023, 12, 5, 15, 0, tzinfo=UTC)
LONG_NAME = "María Josefa de los Ángeles Gonçalves Ñúñez-Ibáñez y Oyarzún"  # 60 characters


@pytest.fixture
def initiative():
    return f.make_initiative(
        name="ALP América del Sur 2023", signatory_name="Marcelo Pisani", signatory_title="Director Regional"
    )


def person(initiative, *, first_name="Ana", last_name="Núñez", language="es", country="AR", position="Secretaria"):
    local_government, _ = LocalGovernment.objects.get_or_create(
        country=country, name="São João del-Rei" if country == "BR" else "Rosario"
    )
    official = f.make_official(
        local_government,
        first_name=first_name,
        last_name=last_name,
        language=language,
        position=position,
    )
    return Recognition.objects.create(
        initiative=initiative,
        kind=RecognitionKind.PERSON,
        official=official,
        holder_name=official.full_name,
        language=language,
        issued_at=ISSUED,
        issued_by=f.make_regional_staff(),
    )


def government(initiative, language="pt-br"):
    local_government = f.make_government("BR", name="Florianópolis", region="Santa Catarina")
    return Recognition.objects.create(
        initiative=initiative,
        kind=RecognitionKind.GOVERNMENT,
        local_government=local_government,
        holder_name=local_government.name,
        language=language,
        issued_at=ISSUED,
        issued_by=f.make_regional_staff(),
    )


def page_count(pdf, tmp_path):
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.parametrize(
    ("language", "date_words"),
    [("es", "5 de diciembre de 2023"), ("pt-br", "5 de dezembro de 2023"), ("en", "Dec. 5, 2023")],
)
def test_pdf_person_certificate_has_name_code_and_language(initiative, tmp_path, language, date_words):
    recognition = person(initiative, language=language)
    text = flat(pdf_text(render_recognition_pdf(recognition), tmp_path))
    assert "Ana Núñez" in text
    assert recognition.code in text
    assert "http://localhost:8000/verify/" in text  # where to type the code
    assert date_words in text
    assert "ALP América del Sur 2023" in text
    assert "Marcelo Pisani" in text
    assert "Director Regional" in text
    assert "Secretaria · Rosario, Argentina" in text


def test_pdf_government_recognition_has_its_own_design(initiative, tmp_path):
    recognition = government(initiative)
    text = flat(pdf_text(render_recognition_pdf(recognition), tmp_path))
    assert "Florianópolis" in text
    assert "Santa Catarina, Brasil" in text
    assert recognition.code in text
    assert "5 de dezembro de 2023" in text


def test_pdf_copy_in_another_language(initiative, tmp_path):
    recognition = person(initiative, language="es")
    text = flat(pdf_text(render_recognition_pdf(recognition, language="en"), tmp_path))
    assert "Dec. 5, 2023" in text


def test_pdf_is_a4_landscape_one_page_with_embedded_fonts(initiative, tmp_path):
    path = tmp_path / "a4.pdf"
    path.write_bytes(render_recognition_pdf(person(initiative)))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Pages:           1" in info
    assert "841.89 x 595.276 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all(row[-5] == "yes" for row in rows)  # the "emb" column
    assert all("ALP-" in row[0] for row in rows)  # only our shipped fonts, no system fallback


def test_pdf_sixty_character_name_fits_on_one_line(initiative, tmp_path):
    assert len(LONG_NAME) == 60
    recognition = person(initiative, first_name=LONG_NAME.rsplit(" y ", 1)[0], last_name="y Oyarzún")
    pdf = render_recognition_pdf(recognition)
    lines = [line.strip() for line in pdf_text(pdf, tmp_path).splitlines()]
    assert LONG_NAME in lines
    assert page_count(pdf, tmp_path) == 1


def test_pdf_name_with_html_prints_as_text_and_embeds_nothing(initiative, tmp_path):
    hostile = '<link rel="attachment" href="file:///etc/passwd"><b>Eve</b>'
    recognition = person(initiative, first_name=hostile, last_name="<img src=x>")
    pdf = render_recognition_pdf(recognition)
    text = flat(pdf_text(pdf, tmp_path))
    assert '<link rel="attachment" href="file:///etc/passwd"><b>Eve</b> <img src=x>' in text
    assert b"/EmbeddedFile" not in pdf
    assert b"root:x:0:0" not in pdf
    attachments = subprocess.run(
        ["pdfdetach", "-list", str(tmp_path / "doc.pdf")], capture_output=True, check=True, text=True
    ).stdout
    assert attachments.strip() == "0 embedded files"


def test_pdf_fetcher_serves_only_our_static_files():
    fetcher = make_fetcher()
    response = fetcher.fetch("https://static.alp.invalid/static/fonts/DejaVuSans.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"
    for url in [
        "file:///etc/passwd",
        "http://example.org/",
        "https://static.alp.invalid/static/../../../etc/passwd",
        "https://static.alp.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://static.alp.invalid/etc/passwd",
        "https://static.alp.invalid.example.org/static/css/alp.css",
        "data:text/css,body{}",
        "https://static.alp.invalid/static/css/alp.css?x=1",
        "https://static.alp.invalid/qr/../static/css/alp.css",
        "https://static.alp.invalid/qr/O0I1-2345-6789.png",
        "https://static.alp.invalid/qr/2345-6789-abcd.png",
        "https://static.alp.invalid/qr/2345-6789-ABCD.svg",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_pdf_fetcher_serves_the_qr_code_of_a_verification_code():
    from PIL import Image

    response = make_fetcher().fetch("https://static.alp.invalid/qr/2345-6789-ABCD.png")
    assert response.content_type == "image/png"
    image = Image.open(io.BytesIO(response.read()))
    matrix = segno.make("http://localhost:8000/verify/2345-6789-ABCD/", error="m", mask=QR_MASK).matrix
    expected = bytes(QR_DARK if module & 1 else 255 for row in matrix for module in row)
    size = len(matrix) * QR_PIXELS
    assert (image.mode, image.size) == ("L", (size, size))
    assert image.resize((len(matrix), len(matrix)), Image.Resampling.NEAREST).tobytes() == expected


def test_pdf_static_reader_refuses_paths_outside_static():
    for path in ["../manage.py", "/etc/passwd", "fonts/../../manage.py", "", "fonts//DejaVuSans.ttf"]:
        with pytest.raises(ValueError):
            read_static(path)


def test_pdf_batch_render_splits_one_pdf_per_recognition(initiative, tmp_path):
    recognitions = [
        person(initiative, first_name=f"Persona{i}", language=lang) for i, lang in enumerate(["es", "pt-br", "en"])
    ] + [government(initiative)]
    pdfs = render_recognition_pdfs(recognitions)
    assert len(pdfs) == 4
    for recognition, pdf in zip(recognitions, pdfs, strict=True):
        assert page_count(pdf, tmp_path) == 1
        text = flat(pdf_text(pdf, tmp_path))
        assert recognition.code in text
        assert recognition.holder_name in text
    assert "5 de dezembro de 2023" in flat(pdf_text(pdfs[1], tmp_path))
    assert PdfReader(io.BytesIO(pdfs[1])).trailer["/Root"]["/Lang"] == "pt-br"
    assert "Dec. 5, 2023" in flat(pdf_text(pdfs[2], tmp_path))


def test_pdf_page_renders_to_a_picture_that_is_not_blank(initiative, tmp_path):
    path = tmp_path / "page.pdf"
    path.write_bytes(render_recognition_pdf(person(initiative)))
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-singlefile", str(path), str(tmp_path / "page")], check=True)
    pgm = (tmp_path / "page.pgm").read_bytes()
    # PGM: "P5\n<width> <height>\n255\n" then one byte per pixel.
    header_end = 0
    for _ in range(3):
        header_end = pgm.index(b"\n", header_end) + 1
    width, height = map(int, pgm.split(b"\n")[1].split())
    pixels = pgm[header_end:]
    assert (width, height) == (351, 249)  # A4 landscape at 30 dpi
    dark = sum(1 for value in pixels if value < 128)
    assert len(pixels) == width * height
    assert 0.01 < dark / len(pixels) < 0.5  # ink on the page, and not a black page


def test_pdf_batch_page_looks_the_same_as_the_one_by_one_page(initiative, tmp_path):
    recognitions = [person(initiative, first_name="Persona"), government(initiative)]
    batched = render_recognition_pdfs(recognitions)
    for i, recognition in enumerate(recognitions):
        pictures = []
        for name, pdf in (("single", render_recognition_pdf(recognition)), ("batch", batched[i])):
            path = tmp_path / f"{name}{i}.pdf"
            path.write_bytes(pdf)
            subprocess.run(["pdftoppm", "-r", "40", "-gray", "-singlefile", str(path), str(path)], check=True)
            pictures.append((tmp_path / f"{name}{i}.pdf.pgm").read_bytes())
        assert pictures[0] == pictures[1]


def test_pdf_batched_pdf_carries_nothing_of_the_other_holders(initiative, tmp_path):
    # WeasyPrint shares one dictionary of resources between the pages of a document: a page split out of a
    # batch must not bring along what the other pages use; the QR code is drawn, not an image.
    import pikepdf

    def images_and_objects(pdf):
        with pikepdf.open(io.BytesIO(pdf)) as document:
            images = [
                obj
                for obj in document.objects
                if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Subtype") == "/Image"
            ]
            return images, len(document.objects)

    people = [person(initiative, first_name=name) for name in ("Uno", "Dos", "Tres", "Cuatro", "Cinco")]
    three, five = render_recognition_pdfs(people[:3]), render_recognition_pdfs(people)
    assert images_and_objects(three[0])[1] == images_and_objects(five[0])[1]  # nothing grows with the batch
    for recognition, pdf in zip(people, five, strict=True):
        images, _count = images_and_objects(pdf)
        assert images == []
        text = flat(pdf_text(pdf, tmp_path))
        assert recognition.code in text
        for other in people:
            if other != recognition:
                assert other.code not in text
                assert other.holder_name not in text


def holder_cases(initiative):
    return [
        person(initiative),
        person(initiative, first_name=LONG_NAME.rsplit(" y ", 1)[0], last_name="y Oyarzún", language="pt-br"),
        # wrapped names and positions, a hyphen, kerned capitals
        person(
            initiative,
            first_name="Ñandú " * 20 + "Wolfgang AVATAR",
            last_name="Núñez-Ibáñez",
            position="Secretaría de Desarrollo Social y Atención a Personas Migrantes " * 3,
            language="en",
        ),
        person(
            initiative, first_name="Ana", last_name="Núñez", position=("Secretaria " * 18).strip()
        ),  # 197 of 200: role-s
        government(initiative),
    ]


def test_pdf_holder_words_are_drawn_where_weasyprint_lays_them_out(initiative, tmp_path):
    # holder.py draws the name, position and code from certificate.css's geometry: every word of the page, in
    # the same order, within 0.1 pt of where WeasyPrint puts it when it lays out the whole page from the
    # template. A change to the stylesheet that holder.py does not follow fails here.
    for recognition in holder_cases(initiative):
        drawn, laid_out = (
            word_boxes(render_recognition_pdf(recognition), tmp_path),
            word_boxes(render_full_page(recognition), tmp_path),
        )
        assert [word for word, *_ in drawn] == [word for word, *_ in laid_out]
        for ours, theirs in zip(drawn, laid_out, strict=True):
            assert max(abs(a - b) for a, b in zip(ours[1:], theirs[1:], strict=True)) < 0.1, (ours, theirs)


def test_pdf_holder_words_use_the_shipped_fonts_subset_with_text_that_reads_back(initiative, tmp_path):
    recognition = holder_cases(initiative)[2]
    pdf = render_recognition_pdf(recognition)
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    # name, type..., emb, sub, uni: embedded, subset, with a map back to Unicode
    assert {"ALP-Serif-Bold", "ALP-Serif", "ALP-Sans"} <= {row[0].split("+")[1] for row in rows}
    assert all(row[-5:-2] == ["yes", "yes", "yes"] for row in rows)
    text = flat(pdf_text(pdf, tmp_path))
    assert recognition.holder_name in text
    assert "Núñez-Ibáñez" in text


@pytest.mark.parametrize(
    "first_name",
    ["محمد", "Ñeẽ g̃uyra"],  # right to left; an accent with no composed glyph, placed by the shaper
)
def test_pdf_words_the_fonts_cannot_draw_get_the_page_from_weasyprint(initiative, tmp_path, monkeypatch, first_name):
    from certificates import pdf as pdf_module

    arabic = person(initiative, first_name=first_name, last_name="Núñez")
    latin = person(initiative, first_name="Beatriz")
    whole_pages = []
    real = pdf_module.render_full_page
    monkeypatch.setattr(pdf_module, "render_full_page", lambda r, lang=None: whole_pages.append(r) or real(r, lang))
    pdfs = render_recognition_pdfs([arabic, latin])
    assert whole_pages == [arabic]
    for recognition, pdf in zip([arabic, latin], pdfs, strict=True):
        assert page_count(pdf, tmp_path) == 1
        assert recognition.code in flat(pdf_text(pdf, tmp_path))


def word_boxes(pdf, tmp_path):
    """(word, x0, y0, x1, y1) of every word of a one-page PDF, by pdftotext -bbox."""
    path = tmp_path / "boxes.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(word, *map(float, box)) for *box, word in re.findall(pattern, html)]


def overlaps(a, b):
    return a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]


@pytest.mark.parametrize(
    ("name_length", "position_length", "government_length"),
    [(30, 30, 20), (60, 100, 60), (61, 190, 200), (100, 200, 200), (101, 0, 200), (301, 200, 200)],
)
def test_pdf_holder_words_never_run_into_the_shared_words(
    initiative, tmp_path, name_length, position_length, government_length
):
    # The two layers of a batched page are laid out apart: however long the name, position and government (up
    # to what the forms take), the holder's words must stay in their slot, clear of the words every page shares.
    def text(length, word):  # `length` characters of words, not ending in a space
        return (f"{word} " * length)[: length - 1] + "a" if length else ""

    first_name = text(min(name_length - 2, 150), "Ñandú")  # the form takes up to 150 and 150 characters
    last_name = text(name_length - len(first_name) - 1, "Núñez")
    recognition = person(
        initiative, first_name=first_name, last_name=last_name, position=text(position_length, "Secretaría")
    )
    assert len(recognition.official.full_name) == name_length
    recognition.holder_name = recognition.official.full_name
    recognition.official.local_government.name = text(government_length, "Municipalidad")
    assert_layers_apart(recognition, "Ñandú", tmp_path)


def test_pdf_government_words_never_run_into_the_shared_words(initiative, tmp_path):
    recognition = government(initiative)
    recognition.local_government.name = recognition.holder_name = ("Municipalidad " * 20)[:200]
    recognition.local_government.region = ("Departamento " * 20)[:200]
    assert_layers_apart(recognition, "Municipalidad", tmp_path)


def assert_layers_apart(recognition, holder_word, tmp_path):
    # The shared words are those of the static layer laid out alone; the holder's, the certificate's others.
    static = _document([page_html(recognition, layer=STATIC_LAYER)], "es").write_pdf()
    shared = word_boxes(static, tmp_path)
    pdf = render_recognition_pdf(recognition)
    assert page_count(pdf, tmp_path) == 1
    holders = [box for box in word_boxes(pdf, tmp_path) if not any(close(box, other) for other in shared)]
    assert any(word == holder_word for word, *_ in holders)
    for word_box in holders:
        assert word_box[1] >= 0 and word_box[3] <= 841.89 and word_box[4] <= 595.28, word_box  # on the page
        for shared_word in shared:
            assert not overlaps(word_box, shared_word), (word_box, shared_word)


def close(a, b):
    return a[0] == b[0] and all(abs(x - y) < 0.01 for x, y in zip(a[1:], b[1:], strict=True))


def test_pdf_qr_code_scans_to_its_own_verification_page(initiative, tmp_path):
    # Read back as a phone would: the page rendered to a picture, the QR code found and decoded by zbarimg.
    recognitions = [person(initiative, first_name="Uno"), person(initiative, first_name="Dos", language="pt-br")]
    pdfs = {"one by one": render_recognition_pdf(recognitions[0])}
    pdfs.update(zip(("batch 1", "batch 2"), render_recognition_pdfs(recognitions), strict=True))
    first, second = (f"http://localhost:8000/verify/{r.code}/" for r in recognitions)
    expected = {"one by one": first, "batch 1": first, "batch 2": second}
    for name, pdf in pdfs.items():
        path = tmp_path / "scan.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-gray", "-singlefile", str(path), str(tmp_path / "scan")], check=True)
        scanned = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(tmp_path / "scan.pgm")], capture_output=True, check=True, text=True
        ).stdout
        assert scanned.split() == [expected[name]], name
