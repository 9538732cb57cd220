"""Spreadsheets in and out: safe CSV/XLSX formats for django-import-export, and a strict reader for uploads.

Exports neutralise formulas: a text cell that starts with = + - @, a tab or a carriage return gets a leading
apostrophe, in CSV and in XLSX alike (the library's own setting only strips a leading "=").

Uploads are read by `read_table`, which refuses, with a message a country office can act on, anything too
large, too long, empty, or not really a spreadsheet, and decodes CSV in UTF-8 (with or without byte-order
mark) or Windows-1252/Latin-1, with comma or semicolon separators.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries
from import_export.formats import base_formats

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UPLOAD_ROWS = 10_000
MAX_COLUMNS = 100  # the widest import has 16 columns
MAX_LINE_COLUMNS = 10 * MAX_COLUMNS  # a CSV line may end in empty cells, or quote a cell full of commas
MAX_SHEET_ROWS = 5  # times the rows allowed: how far down a sheet is read, blank rows included
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LANGUAGES = ("es", "pt-br", "en")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_text(value):
    """How a value is written in a CSV cell: dates in ISO 8601, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (bool, int, float, Decimal)):
        return str(value)  # a number, even a negative latitude, is no formula
    return neutralise(str(value))


def cell_value(value):
    """How a value goes into an XLSX cell: numbers stay numbers, text is neutralised, dates are ISO text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return value
    return cell_text(value)


class SafeCSV(base_formats.CSV):
    """CSV in UTF-8 with a byte-order mark (so that Excel reads accents), formulas neutralised."""

    def export_data(self, dataset, **kwargs):
        return write_csv(dataset.headers or [], dataset)

    def get_title(self):
        return "csv"

    def is_binary(self):
        return True

    def get_content_type(self):
        return "text/csv; charset=utf-8"


class SafeXLSX(base_formats.XLSX):
    """XLSX written in openpyxl's streaming mode, formulas neutralised."""

    def export_data(self, dataset, **kwargs):
        return write_xlsx(dataset.headers or [], dataset)

    def get_title(self):
        return "xlsx"


EXPORT_FORMATS = [SafeCSV, SafeXLSX]


def write_csv(headers, rows):
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell_text(str(header)) for header in headers])
    writer.writerows([cell_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(headers, rows):
    """A one-sheet workbook written directly as Office Open XML: text as inline strings, numbers as numbers.

    openpyxl's streaming writer needs about 9 s for 20,000 rows of 27 columns; this needs about 1 s.
    """
    sheet = io.StringIO()
    sheet.write(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    letters = []
    for number, row in enumerate(_chain_header(headers, rows), start=1):
        while len(letters) < len(row):
            letters.append(_column_letter(len(letters) + 1))
        cells = []
        for letter, value in zip(letters, row, strict=False):
            value = cell_value(value)
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float, Decimal)):
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            else:
                cells.append(
                    f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'
                )
        sheet.write(f'<row r="{number}">{"".join(cells)}</row>')
    sheet.write("</sheetData></worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in _XLSX_PARTS.items():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", sheet.getvalue().encode("utf-8"))
    return buffer.getvalue()


def _chain_header(headers, rows):
    yield [str(header) for header in headers]
    yield from rows


def _column_letter(index):
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# Characters that XML 1.0 cannot hold (control characters but tab, line feed and carriage return).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text):
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return _ILLEGAL_XML.sub("\N{REPLACEMENT CHARACTER}", text)


_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


# Reading uploads ---------------------------------------------------------------------------------------


class SpreadsheetError(Exception):
    """An upload that cannot be read at all; the message says what to do."""


@dataclass
class Table:
    headers: list  # as written in the file
    rows: list  # [(row number in the spreadsheet, [cell text, ...]), ...]; the header is row 1


def read_table(upload, *, max_bytes=MAX_UPLOAD_BYTES, max_rows=MAX_UPLOAD_ROWS):
    """The header and rows of an uploaded CSV or XLSX file, every cell as stripped text."""
    name = getattr(upload, "name", "") or ""
    size = upload.size
    if size > max_bytes:
        raise SpreadsheetError(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": f"{size / 1024 / 1024:.1f}", "limit": max_bytes // (1024 * 1024)}
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:  # the declared size lied
        raise SpreadsheetError(
            _("The file is larger than %(limit)s MB. Split it into smaller files.")
            % {"limit": max_bytes // (1024 * 1024)}
        )
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise SpreadsheetError(_("The file is empty: there is nothing to import."))
    lower = name.lower()
    if lower.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
        numbered = _read_xlsx(data, max_rows)
    elif lower.endswith(".csv") or lower.endswith(".txt") or not lower.rpartition(".")[1]:
        numbered = _read_csv(data, max_rows)
    else:
        raise SpreadsheetError(
            _("Files of this type cannot be imported. Save the sheet as CSV or as an Excel workbook (.xlsx).")
        )
    if not numbered:
        raise SpreadsheetError(_("The file is empty: there is nothing to import."))
    (_header_number, headers), body = numbered[0], numbered[1:]
    if len(body) > max_rows:
        raise SpreadsheetError(
            _("The file has more than %(limit)s rows. Split it into files of at most %(limit)s rows.")
            % {"limit": f"{max_rows:,}"}
        )
    if not body:
        raise SpreadsheetError(_("The file has column names but no rows to import."))
    return Table(headers=headers, rows=body)


def _read_csv(data, max_rows):
    """[(row number, cells)] of the rows that hold something: enough of them to know the file is too long."""
    if b"\x00" in data:
        raise SpreadsheetError(
            _("The file is not a text CSV file. Save the sheet as CSV (UTF-8) or as an Excel workbook (.xlsx).")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")  # Excel's "CSV" on Windows in Spanish and Portuguese
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    numbered = []
    try:
        for number, row in enumerate(csv.reader(_bounded_lines(text, delimiter), delimiter=delimiter), start=1):
            _check_width(number, row)
            cells = [cell.strip() for cell in row[:MAX_COLUMNS]]
            if any(cells):
                numbered.append((number, cells))
                if len(numbered) > max_rows + 1:  # enough to know the file is too long
                    break
    except csv.Error as error:  # an unclosed quotation mark runs on until the cell is too long
        raise SpreadsheetError(
            _(
                "The file could not be read as CSV: a quotation mark is not closed or a cell is too long. "
                "Correct it in the spreadsheet program and save it again."
            )
        ) from error
    return numbered


def _bounded_lines(text, delimiter):
    """The lines of a CSV text; one of thousands of cells is refused before csv splits it into a list."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        columns = line.count(delimiter) + 1
        if columns > MAX_LINE_COLUMNS:
            raise SpreadsheetError(
                _(
                    "Line %(line)s of the file has %(count)s columns; at most %(limit)s are read. Delete the "
                    "columns that are not part of the list and upload the file again."
                )
                % {"line": f"{number:,}", "count": f"{columns:,}", "limit": MAX_COLUMNS}
            )
        yield line


def _check_width(number, cells):
    if len(cells) > MAX_COLUMNS and any(cell.strip() for cell in cells[MAX_COLUMNS:]):
        raise SpreadsheetError(
            _(
                "Row %(row)s has something beyond column %(limit)s; at most %(limit)s columns are read. Delete "
                "the columns that are not part of the list and upload the file again."
            )
            % {"row": f"{number:,}", "limit": MAX_COLUMNS}
        )


def _read_xlsx(data, max_rows):
    """[(row number, cells)] of the first sheet's rows that hold something, read within bounds.

    The archive is checked before anything is parsed and its parts are read through capped streams
    (authorities/workbooks.py); the sheet is read MAX_COLUMNS + 1 columns wide (a declared width of 16,384
    columns would otherwise pad every row) and only down to MAX_SHEET_ROWS times max_rows (a row numbered
    1,048,576 after the header would otherwise bring a million empty rows).
    """
    not_xlsx = _(
        "The file is not a real Excel workbook (.xlsx), even if its name says so. Open it in Excel and save "
        "it as 'Excel Workbook (.xlsx)' or as CSV."
    )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpreadsheetError(not_xlsx)
    from defusedxml import DefusedXmlException
    from openpyxl.reader.excel import ExcelReader

    from .workbooks import open_archive

    try:
        archive = open_archive(data)
    except zipfile.BadZipFile as error:
        raise SpreadsheetError(not_xlsx) from error
    try:
        with archive:
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as member:
                        if _declares_dtd(member):
                            raise DefusedXmlException("DTD")
            # load_workbook() opens its own zipfile.ZipFile; ExcelReader is handed the bounded one instead.
            reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
            reader.archive = archive
            reader.read()
            return _sheet_rows(reader.wb.worksheets[0], max_rows)
    except DefusedXmlException as error:
        raise SpreadsheetError(
            _(
                "The workbook contains XML entity declarations (a DTD), which can be used to read files of "
                "the "
                "server, and was refused. Copy the data into a new workbook and save it again."
            )
        ) from error
    except SpreadsheetError:
        raise
    except Exception as error:  # a zip that is not a workbook fails in many ways inside openpyxl
        raise SpreadsheetError(not_xlsx) from error


def _sheet_rows(sheet, max_rows):
    last_row = MAX_SHEET_ROWS * max_rows
    numbered = []
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
        if number > last_row:
            raise SpreadsheetError(
                _(
                    "The sheet goes on below row %(limit)s, with content or formatting. Delete the rows below "
                    "your data (or copy the data into a new sheet) and upload it again."
                )
                % {"limit": f"{last_row:,}"}
            )
        if not any(value is not None for value in values):
            continue
        cells = [_xlsx_text(value) for value in values]
        _check_width(number, cells)
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            numbered.append((number, cells))
            if len(numbered) > max_rows + 1:  # enough to know the file is too long
                break
    return numbered


_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)


def _declares_dtd(member, limit=1024 * 1024):
    """Whether an XML part declares a DTD (where entities live) before its root element.

    Read as a stream, up to the root element only, so that neither padding before the DOCTYPE nor a huge
    compressed part gets past or costs much. defusedxml, which openpyxl uses, is the second guard.
    """
    data = b""
    while True:
        chunk = member.read(64 * 1024)
        data += chunk
        position = 0
        while match := _PROLOG_ITEM.match(data, position):
            if match.end() == position:
                break
            position = match.end()
        rest = data[position:]
        if rest.startswith((b"<!--", b"<?")):
            pass  # a comment or instruction not read to its end yet
        elif rest.startswith(b"<!"):
            return True
        elif rest.startswith(b"<") and len(rest) > 1:
            return False
        if not chunk:
            return False
        if len(data) > limit:
            return True  # a prolog of a megabyte is no workbook's


def unneutralise(text):
    """An exported cell read back: the apostrophe our exports put before a formula-like text is dropped."""
    if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _xlsx_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


# Understanding cells in three languages ----------------------------------------------------------------


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise(text):
    """Lower case, no accents, single spaces: 'Correo electrónico ' → 'correo electronico'."""
    return _normalise(str(text))  # str(): a lazy translation is cached as the text it is now


@lru_cache(maxsize=8192)  # the same country and government names come back on every row
def _normalise(text):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _country_lookup():
    lookup = {}
    for language in LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                lookup.setdefault(normalise(name), code)
    for code in countries:
        lookup.setdefault(normalise(code.code), code.code)
        alpha3 = countries.alpha3(code.code)
        if alpha3:
            lookup.setdefault(normalise(alpha3), code.code)
    return lookup


def parse_country(text):
    """An ISO code (AR, ARG) or a name in Spanish, Portuguese or English → the alpha-2 code, or None."""
    return _country_lookup().get(normalise(text))


TRUE_WORDS = {"si", "sim", "yes", "y", "s", "true", "verdadero", "verdadeiro", "1", "x"}
FALSE_WORDS = {"no", "nao", "n", "false", "falso", "0", ""}


def parse_boolean(text):
    word = normalise(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError


def choice_lookup(choices):
    """Value or label (in any of the three languages) → stored value, for a TextChoices class."""
    lookup = {normalise(value): value for value in choices.values}
    for language in LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(normalise(label), value)
    return lookup
