"""An uploaded workbook (.xlsx, a zip archive) opened so that it cannot exhaust the server.

A zip archive's directory declares each member's uncompressed size (ZipInfo.file_size) before anything is
inflated. `open_archive` refuses, before any part is parsed, an archive whose declared sizes add up to more
than a spreadsheet of MAX_UPLOAD_ROWS rows needs, a part compressed far more than a spreadsheet's XML ever
is, too many parts, or a compression method Excel does not use (Python inflates bzip2 and LZMA parts whole,
whatever size is asked for). The archive it returns reads every part through a stream capped at the part's
declared size, in small chunks: openpyxl reads some parts whole (styles, relationships), and Python's zipfile
inflates a whole part in one call when asked for everything, before cutting it to the declared size. A
directory that lies about a size therefore costs no more than an honest one, and is refused.
bench/upload_bomb.py measures both kinds of bomb.
"""

import io
import zipfile
import zlib

from django.utils.translation import gettext as _

from .spreadsheets import SpreadsheetError

MB = 1024 * 1024
# A workbook of 10,000 rows of 27 columns unpacks to 16 MB (Excel's shared strings) to 21 MB (inline strings).
MAX_UNPACKED_BYTES = 50 * MB
# Sheet XML compresses 10 to 20 times; a part of blank space or of one repeated row, about 1,000 times.
MAX_RATIO = 100
RATIO_FROM_BYTES = MB  # small parts (styles, a short sheet) may compress as much as they like
MAX_PARTS = 1000
CHUNK = 64 * 1024
METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}


def open_archive(data, *, max_unpacked=MAX_UNPACKED_BYTES):
    """The workbook's archive, with its parts read through capped streams; refused if beyond the bounds.

    Raises SpreadsheetError with a message that says why. Nothing is inflated here.
    """
    archive = BoundedZipFile(io.BytesIO(data))
    try:
        check_archive(archive.infolist(), max_unpacked=max_unpacked)
    except SpreadsheetError:
        archive.close()
        raise
    return archive


def check_archive(parts, *, max_unpacked=MAX_UNPACKED_BYTES):
    unreadable = _(
        "The workbook was refused without being opened: %(reason)s Open it in Excel and save it again as "
        "'Excel Workbook (.xlsx)', or save it as CSV."
    )
    if len(parts) > MAX_PARTS:
        reason = _("it holds %(count)s files, and a spreadsheet needs a few dozen.") % {"count": f"{len(parts):,}"}
        raise SpreadsheetError(unreadable % {"reason": reason})
    for part in parts:
        if part.compress_type not in METHODS:
            reason = _("its part %(part)s is compressed in a way Excel does not use.") % {"part": part.filename}
            raise SpreadsheetError(unreadable % {"reason": reason})
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            reason = _(
                "its part %(part)s unpacks to %(ratio)s times its compressed size, and a spreadsheet's data "
                "compresses about 20 times."
            ) % {"part": part.filename, "ratio": f"{part.file_size // max(part.compress_size, 1):,}"}
            raise SpreadsheetError(unreadable % {"reason": reason})
    unpacked = sum(part.file_size for part in parts)
    if unpacked > max_unpacked:
        raise SpreadsheetError(
            _(
                "The workbook was refused without being opened: it unpacks to %(size)s MB, and the limit is "
                "%(limit)s MB. Delete other sheets, images and formatting, split the rows into smaller files, "
                "or save the sheet as CSV."
            )
            % {"size": f"{unpacked / MB:,.0f}", "limit": max_unpacked // MB}
        )


class BoundedZipFile(zipfile.ZipFile):
    """A zip archive whose members are read through `CappedPart` streams (ZipFile.read goes through open)."""

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):
        stream = super().open(name, mode, pwd, force_zip64=force_zip64)
        if mode != "r":
            return stream
        part = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        return io.BufferedReader(CappedPart(stream, part.filename, part.file_size), buffer_size=CHUNK)


class CappedPart(io.RawIOBase):
    """One part of the archive, inflated at most CHUNK bytes a call and never past its declared size."""

    def __init__(self, stream, name, limit):
        super().__init__()
        self._stream, self._name, self._left = stream, name, limit

    def readable(self):
        return True

    def readinto(self, buffer):
        try:
            data = self._stream.read(min(len(buffer), CHUNK))
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            # Python cuts a part at its declared size, so a part that holds more fails its checksum here.
            raise self._refused() from error
        if len(data) > self._left:
            raise self._refused()
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self._stream.close()
        super().close()

    def _refused(self):
        return SpreadsheetError(
            _(
                "The workbook was refused: its part %(part)s holds more, or other, data than the archive "
                "declares for it, as in a damaged file or one built to exhaust the server. Open it in Excel and "
                "save it again, or save it as CSV."
            )
            % {"part": self._name}
        )
