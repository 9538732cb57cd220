"""Hostile workbooks for the upload tests and bench/upload_bomb.py: a part that unpacks to a gigabyte from
about a megabyte, its size declared honestly or with a lie in the archive's directory.

Built in milliseconds without compressing a gigabyte: a block compressed once and ended with a full flush is
a self-contained piece of a deflate stream, so it can be repeated as many times as wanted.
"""

import bz2
import random
import struct
import zlib

from authorities.spreadsheets import _XLSX_PARTS

BLOCK = 1024 * 1024
DEFLATED, BZIP2 = 8, 12  # zip compression methods
SHEET = "xl/worksheets/sheet1.xml"
SHEET_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Nombre</t></is></c></row></sheetData></worksheet>'
)


class Member:
    """One file of a zip archive, compressed by hand: `declared` is the size its directory entry claims."""

    def __init__(self, name, raw, crc, size, *, declared=None, method=DEFLATED):
        self.name, self.raw, self.crc, self.size = name.encode(), raw, crc, size
        self.declared = size if declared is None else declared
        self.method = method


def deflated(name, content):
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Member(name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content))


def bzipped(name, content):
    return Member(name, bz2.compress(content), zlib.crc32(content), len(content), method=BZIP2)


def repeated(name, head, block, times, tail, *, declared=None, with_crc=True):
    """head, then block repeated `times` times, then tail, deflated by repeating the block's compressed form."""
    pieces = []
    for content in (head, block):
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        pieces.append(compressor.compress(content) + compressor.flush(zlib.Z_FULL_FLUSH))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = pieces[0] + pieces[1] * times + compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    if with_crc:  # about a second a gigabyte; a lying entry's checksum does not matter
        for _ in range(times):
            crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return Member(name, raw, crc, len(head) + len(block) * times + len(tail), declared=declared)


def write_zip(members):
    out, directory = bytearray(), bytearray()
    for member in members:
        offset = len(out)
        fields = (20, 0, member.method, 0, 0x21, member.crc, len(member.raw), member.declared, len(member.name))
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0) + member.name + member.raw
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, 0, offset)
        directory += member.name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


def parts():
    """The parts of a one-sheet workbook (those our exports write) with a sheet of one cell."""
    return {**_XLSX_PARTS, SHEET: SHEET_XML}


def workbook(**replaced):
    """A workbook of `parts()`, with some parts given as ready members: workbook(**{SHEET: member})."""
    return write_zip([replaced.get(name) or deflated(name, xml.encode()) for name, xml in parts().items()])


def textured(every):
    """A block of blank space with a random letter every `every` bytes: it compresses about every / 1.4 times."""
    block = bytearray(b" " * BLOCK)
    letters = random.Random(every)
    for position in range(0, BLOCK, every):
        block[position] = letters.choice(b"abcdefghijklmnopqrstuvwxyz")
    return bytes(block)


def bomb(part=SHEET, *, unpacked, declared=None, with_crc=True, block=b" " * BLOCK):
    """A workbook whose `part` is padded with `block` (blank space), before its closing tag, to about
    `unpacked` bytes (a whole number of blocks). Its directory entry claims `declared` bytes: the truth unless
    given.
    """
    xml = parts()[part].encode()
    cut = xml.rindex(b"</")
    times = max(1, (unpacked - len(xml)) // BLOCK)
    member = repeated(part, xml[:cut], block, times, xml[cut:], declared=declared, with_crc=with_crc)
    return workbook(**{part: member})
