"""The shared upload reader (read_table) against uploads built to exhaust the server: zip bombs with honest and
lying sizes, sheets that are far too wide or too long, CSV that never closes a quotation mark."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader

from authorities.spreadsheets import SpreadsheetError, read_table
from authorities.workbooks import BoundedZipFile
from tests import zipbombs

GB = 1024 * 1024 * 1024
MB = 1024 * 1024
SAVE_AGAIN = "Open it in Excel and save it again as 'Excel Workbook (.xlsx)', or save it as CSV."
LYING = (
    "The workbook was refused: its part xl/styles.xml holds more, or other, data than the archive declares for "
    "it, as in a damaged file or one built to exhaust the server. Open it in Excel and save it again, or save "
    "it as CSV."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read(content, name="lista.xlsx"):
    return read_table(SimpleUploadedFile(name, content))


def refusal(content, name="lista.xlsx"):
    with pytest.raises(SpreadsheetError) as error:
        read(content, name)
    return str(error.value)


@pytest.fixture
def parsed(monkeypatch):
    """The workbooks openpyxl was asked to parse: it must not be asked for one refused from its directory."""
    reached = []
    parse = ExcelReader.read

    def read_and_record(reader):
        reached.append(reader)
        return parse(reader)

    monkeypatch.setattr(ExcelReader, "read", read_and_record)
    return reached


def test_a_workbook_within_the_bounds_is_read_through_the_bounded_archive(parsed):
    table = read(workbook_with_sheet(sheet_xml([(1, [("A", "Nombre")]), (2, [("A", "Ana")])])))
    assert (table.headers, table.rows) == (["Nombre"], [(2, ["Ana"])])
    assert len(parsed) == 1
    assert type(parsed[0].archive) is BoundedZipFile


def test_a_gigabyte_sheet_from_a_megabyte_is_refused_before_parsing(parsed):
    content = zipbombs.bomb(unpacked=GB, with_crc=False)
    assert len(content) < 1.1 * MB
    assert refusal(content) == (
        "The workbook was refused without being opened: its part xl/worksheets/sheet1.xml unpacks to 1,010 times "
        f"its compressed size, and a spreadsheet's data compresses about 20 times. {SAVE_AGAIN}"
    )
    assert parsed == []


def test_a_workbook_declared_larger_than_the_limit_is_refused_before_parsing(parsed):
    content = zipbombs.bomb(unpacked=61 * MB, block=zipbombs.textured(100), with_crc=False)
    assert refusal(content) == (
        "The workbook was refused without being opened: it unpacks to 60 MB, and the limit is 50 MB. Delete "
        "other sheets, images and formatting, split the rows into smaller files, or save the sheet as CSV."
    )
    assert parsed == []


def test_a_part_compressed_with_bzip2_is_refused_before_parsing(parsed):
    sheet = zipbombs.bzipped(zipbombs.SHEET, zipbombs.SHEET_XML.encode())
    assert refusal(zipbombs.workbook(**{zipbombs.SHEET: sheet})) == (
        "The workbook was refused without being opened: its part xl/worksheets/sheet1.xml is compressed in a way "
        f"Excel does not use. {SAVE_AGAIN}"
    )
    assert parsed == []


def test_an_archive_of_thousands_of_files_is_refused_before_parsing(parsed):
    members = [zipbombs.deflated(name, xml.encode()) for name, xml in zipbombs.parts().items()]
    members += [zipbombs.deflated(f"xl/media/{number}.txt", b"") for number in range(1_000)]
    assert refusal(zipbombs.write_zip(members)) == (
        f"The workbook was refused without being opened: it holds 1,006 files, and a spreadsheet needs a few "
        f"dozen. {SAVE_AGAIN}"
    )
    assert parsed == []


@pytest.mark.parametrize("part", ["xl/styles.xml", zipbombs.SHEET])
def test_a_part_that_unpacks_past_its_declared_size_is_refused(part):
    content = zipbombs.bomb(part, unpacked=64 * MB, declared=MB, with_crc=False)
    assert refusal(content) == LYING.replace("xl/styles.xml", part)


def test_the_capped_stream_stops_a_lying_part_at_its_declared_size():
    # openpyxl reads the styles whole; Python's zipfile then inflates all 64 MB in one call before cutting
    # them to the declared megabyte. The capped stream inflates in 64 KB steps and stops at the megabyte.
    content = zipbombs.bomb("xl/styles.xml", unpacked=64 * MB, declared=MB, with_crc=False)
    tracemalloc.start()
    try:
        with pytest.raises(zipfile.BadZipFile):
            zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml")
        plain_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        with pytest.raises(SpreadsheetError) as error:
            BoundedZipFile(io.BytesIO(content)).read("xl/styles.xml")
        capped_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error.value) == LYING
    assert plain_peak > 64 * MB
    assert capped_peak < 4 * MB


def test_the_capped_stream_reads_an_honest_part_whole():
    archive = BoundedZipFile(io.BytesIO(zipbombs.bomb(unpacked=3 * MB)))
    sheet = archive.read(zipbombs.SHEET)
    assert len(sheet) == archive.getinfo(zipbombs.SHEET).file_size
    assert sheet.endswith(b"      </worksheet>")


def sheet_xml(rows, dimension=""):
    cells = "".join(
        f'<row r="{number}">'
        + "".join(f'<c r="{column}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for column, text in cells)
        + "</row>"
        for number, cells in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


def workbook_with_sheet(xml):
    return zipbombs.workbook(**{zipbombs.SHEET: zipbombs.deflated(zipbombs.SHEET, xml)})


def test_a_row_numbered_a_million_after_the_header_is_refused_without_reading_a_million_rows():
    xml = sheet_xml([(1, [("A", "Nombre")]), (2, [("A", "Ana")]), (1_048_576, [("A", "Luis")])])
    assert refusal(workbook_with_sheet(xml)) == (
        "The sheet goes on below row 50,000, with content or formatting. Delete the rows below your data (or "
        "copy the data into a new sheet) and upload it again."
    )


def test_a_sheet_declared_16384_columns_wide_is_read_as_wide_as_its_cells():
    xml = sheet_xml(
        [(1, [("A", "Nombre"), ("B", "Correo")]), (3, [("A", "Ana"), ("B", "ana@example.org")])],
        dimension='<dimension ref="A1:XFD1048576"/>',
    )
    table = read(workbook_with_sheet(xml))
    assert (table.headers, table.rows) == (["Nombre", "Correo"], [(3, ["Ana", "ana@example.org"])])


def test_a_cell_beyond_column_100_is_refused():
    xml = sheet_xml([(1, [("A", "Nombre")]), (2, [("A", "Ana"), ("CW", "extra")])])  # CW is column 101
    assert refusal(workbook_with_sheet(xml)) == (
        "Row 2 has something beyond column 100; at most 100 columns are read. Delete the columns that are not "
        "part of the list and upload the file again."
    )


def test_a_workbook_saved_by_openpyxl_is_read_as_before():
    workbook = Workbook()
    for cells in [["Nombre", "Correo", None, "Edad"], [None], ["Ana", "ana@example.org", None, 41], [" ", None]]:
        workbook.active.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read(buffer.getvalue())
    assert table.headers == ["Nombre", "Correo", "", "Edad"]
    assert table.rows == [(3, ["Ana", "ana@example.org", "", "41"])]


def test_a_csv_row_beyond_column_100_is_refused():
    content = ("Nombre,Correo\r\nAna,ana@example.org" + "," * 99 + "extra\r\n").encode()
    assert refusal(content, "lista.csv") == (
        "Row 2 has something beyond column 100; at most 100 columns are read. Delete the columns that are not "
        "part of the list and upload the file again."
    )


def test_a_csv_line_of_millions_of_commas_is_refused():
    content = b"Nombre,Correo\r\nAna" + b"," * (4 * MB) + b"x\r\n"
    assert refusal(content, "lista.csv") == (
        "Line 2 of the file has 4,194,305 columns; at most 100 are read. Delete the columns that are not part of "
        "the list and upload the file again."
    )


def test_a_csv_line_of_empty_cells_up_to_column_1000_is_read():
    content = ("Nombre,Correo" + "," * 998 + "\r\nAna,ana@example.org" + "," * 998 + "\r\n").encode()
    table = read(content, "lista.csv")
    assert (table.headers[:3], len(table.headers), table.rows) == (
        ["Nombre", "Correo", ""],
        100,
        [(2, ["Ana", "ana@example.org", *[""] * 98])],
    )


def test_a_csv_quotation_mark_that_is_never_closed_is_a_message():
    content = b'Nombre,Correo\r\n"Ana,' + b"a" * 200_000 + b"\r\n"
    assert refusal(content, "lista.csv") == (
        "The file could not be read as CSV: a quotation mark is not closed or a cell is too long. Correct it in "
        "the spreadsheet program and save it again."
    )
