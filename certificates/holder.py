"""The holder's words on a certificate (name, position, QR code and its code), drawn straight into the page.

Every certificate of a batch shares its page but for these few lines at fixed places; laying them out through
WeasyPrint (an HTML document, its boxes, its PDF writer and tagger) cost about 15 ms a certificate, two thirds
of issuing it. Here they are shaped with HarfBuzz (the shaper Pango and so WeasyPrint use: same glyphs, same
kerning), broken into lines the way the stylesheet asks, centred, and written as PDF text in the fonts the
portal ships, subset once per batch; the QR code is drawn as vector squares (sharp at any zoom, no image to
encode). The page's other words stay WeasyPrint's (certificates/pdf.py lays out the shared layer once per batch).

The geometry below is certificate.css's, in CSS pixels (what WeasyPrint draws in): keep the two in step. The
full page laid out by WeasyPrint from the stylesheet is still what a certificate whose words these fonts
cannot draw gets (see `drawable`), and tests/certificates/test_pdf.py checks that the words drawn here sit
where WeasyPrint puts them.
"""

import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from hashlib import sha256

import pikepdf
import segno
import uharfbuzz as hb
from fontTools import subset
from fontTools.ttLib import TTFont

MM = 96 / 25.4  # CSS pixels per millimetre
PAGE_WIDTH, PAGE_HEIGHT = 297 * MM, 210 * MM
# The page's own transformation, as WeasyPrint writes it: y downwards, CSS pixels (0.75 pt).
PAGE_MATRIX = b"1 0 0 -1 0 595.275591 cm 0.75 0 0 0.75 0 0 cm"
INK = b"0.105882 0.164706 0.227451"  # #1b2a3a
QR_INK = b"0.105882"  # pdf.QR_DARK, grey

# .page: padding 79.8mm 36.8mm 0; .holder: height 25mm, centred; .verification: 60mm wide at the right, 48mm
# under the holder's slot; .qr 28mm square; .code 1.5mm under it.
CONTENT_LEFT = 36.8 * MM
CONTENT_WIDTH = PAGE_WIDTH - 2 * 36.8 * MM
HOLDER_TOP = 79.8 * MM
VERIFICATION_TOP = HOLDER_TOP + 25 * MM + 48 * MM
VERIFICATION_LEFT = CONTENT_LEFT + CONTENT_WIDTH - 60 * MM
VERIFICATION_WIDTH = 60 * MM
QR_SIZE = 28 * MM
CODE_TOP = VERIFICATION_TOP + QR_SIZE + 1.5 * MM
ROLE_MARGIN = 3 * MM
PT = 4 / 3  # CSS pixels per point

NAME_FONT, ROLE_FONT, CODE_FONT = "fonts/DejaVuSerif-Bold.ttf", "fonts/DejaVuSerif.ttf", "fonts/DejaVuSans.ttf"
# name size class (pdf.name_size_class) -> (size in pt, wraps); .name has line-height 1.15
NAME_SIZES = {
    "name-m": (28, False),
    "name-l": (22, False),
    "name-xl": (17, False),
    "name-xxl": (13, True),
    "name-xxxl": (9, True),
}
NAME_LINE_HEIGHT = 1.15
ROLE_SIZES = {"": 12, "role-s": 10, "role-xs": 9}  # role size class -> pt; line-height normal, wraps
CODE_SIZE = 10
# Scripts written right to left need the bidirectional algorithm, which this drawing does not do.
RIGHT_TO_LEFT = {"R", "AL", "AN"}


@dataclass
class Face:
    """One of the shipped fonts: HarfBuzz's for shaping, its bytes for subsetting, its metrics for the PDF."""

    path: str
    data: bytes
    font: hb.Font
    upem: int
    ascender: int
    descender: int
    codepoints: frozenset
    advances: list  # by glyph id, in font units
    descriptor: dict

    def metrics(self, size):
        """(ascent, descent) in CSS pixels at `size` pixels: what Pango uses for the line's content area."""
        return self.ascender * size / self.upem, -self.descender * size / self.upem


@cache
def face(path):
    from .pdf import read_static

    data = read_static(path)
    font = hb.Font(hb.Face(hb.Blob(data)))
    tt = TTFont(io.BytesIO(data), lazy=True)
    upem = tt["head"].unitsPerEm
    extents = font.get_font_extents("ltr")
    head, os2, post = tt["head"], tt["OS/2"], tt["post"]
    scale = 1000 / upem
    descriptor = {
        "Flags": 32 + (2 if "Serif" in path else 0) + (64 if post.italicAngle else 0),
        "FontBBox": [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        "ItalicAngle": float(post.italicAngle),
        "Ascent": round(extents.ascender * scale),
        "Descent": round(extents.descender * scale),
        "CapHeight": round(getattr(os2, "sCapHeight", extents.ascender) * scale),
        "StemV": 80,
    }
    order = tt.getGlyphOrder()
    metrics = tt["hmtx"].metrics
    return Face(
        path=path,
        data=data,
        font=font,
        upem=upem,
        ascender=extents.ascender,
        descender=extents.descender,
        codepoints=frozenset(tt.getBestCmap()),
        advances=[metrics[name][0] for name in order],
        descriptor=descriptor,
    )


def drawable(text, path):
    """Whether the font at `path` draws every character of `text` as a plain row of glyphs: each one in the
    font, nothing that runs right to left, no mark that the shaper moves off its place (an accent HarfBuzz
    positions over a letter the font has no composed glyph for)."""
    codepoints = face(path).codepoints
    if not all(
        (ord(c) in codepoints or c.isspace()) and unicodedata.bidirectional(c) not in RIGHT_TO_LEFT for c in text
    ):
        return False
    return not _shaped(collapse(text), path)[1]


@dataclass
class Line:
    """A shaped line: (glyph id, advance, text) per glyph, advances in font units; its width."""

    glyphs: list
    width: int


def shape(text, path):
    return _shaped(text, path)[0]


@lru_cache(maxsize=512)
def _shaped(text, path):
    """(the Line of `text`, whether any glyph is moved off the pen's position). Kept for a while: a text is
    shaped to be checked, then to be drawn, and the positions and governments repeat across a batch."""
    font = face(path).font
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    infos, positions = buffer.glyph_infos, buffer.glyph_positions
    starts = sorted({info.cluster for info in infos})
    end_of = dict(zip(starts, [*starts[1:], len(text)], strict=True))
    glyphs = []
    seen = set()
    for info, position in zip(infos, positions, strict=True):
        start = info.cluster
        end = end_of[start]
        # The cluster's text goes with its first glyph only (a ligature reads as its letters, a letter and its
        # separately drawn accent as one letter).
        glyphs.append((info.codepoint, position.x_advance, "" if start in seen else text[start:end]))
        seen.add(start)
    moved = any(position.x_offset or position.y_offset for position in positions)
    return Line(glyphs, sum(position.x_advance for position in positions)), moved


def _pieces(text):
    """The text cut where a line may break: at spaces (the space kept with the piece before) and after hyphens."""
    return re.findall(r"[^ -]*-+ *|[^ -]+ *| +", text)


def break_lines(text, path, size, width):
    """`text` in lines of at most `width` pixels at `size` pixels, greedy, as a browser breaks white-space:
    normal (a piece longer than the line overflows it, as in CSS)."""
    upem = face(path).upem
    limit = width * upem / size
    whole = shape(text, path)
    if whole.width <= limit:
        return [whole]
    lines, current = [], ""
    for piece in _pieces(text):
        candidate = current + piece
        if current and shape(candidate.rstrip(" "), path).width > limit:
            lines.append(current.rstrip(" "))
            current = piece.lstrip(" ")
        else:
            current = candidate
    if current.strip(" "):
        lines.append(current.rstrip(" "))
    return [shape(line, path) for line in lines]


def collapse(text):
    """White space as HTML shows it: runs of spaces, tabs and line ends as one space, none at either end."""
    return " ".join(text.split())


@dataclass
class Block:
    """Lines of one font and size, each with the pixel position of the start of its baseline."""

    path: str
    size: float
    lines: list = field(default_factory=list)  # (x, baseline y, Line)


def _centred(lines, path, size, top, line_height, left, width):
    """`lines` centred in [left, left + width], the first line box at `top`; returns the block and its bottom."""
    font = face(path)
    ascent, descent = font.metrics(size)
    half_leading = (line_height - ascent - descent) / 2
    block = Block(path, size)
    for index, line in enumerate(lines):
        line_width = line.width * size / font.upem
        x = left + (width - line_width) / 2
        baseline = top + index * line_height + half_leading + ascent
        block.lines.append((x, baseline, line))
    return block, top + len(lines) * line_height


def layout(name, name_class, role, role_class, code):
    """The blocks of the holder's layer: name, role (absent when empty) and code."""
    name, role = collapse(name), collapse(role)
    size, wraps = NAME_SIZES[name_class]
    size *= PT
    lines = break_lines(name, NAME_FONT, size, CONTENT_WIDTH) if wraps else [shape(name, NAME_FONT)]
    name_block, bottom = _centred(
        lines, NAME_FONT, size, HOLDER_TOP, size * NAME_LINE_HEIGHT, CONTENT_LEFT, CONTENT_WIDTH
    )
    blocks = [name_block]
    if role:
        size = ROLE_SIZES[role_class] * PT
        ascent, descent = face(ROLE_FONT).metrics(size)
        lines = break_lines(role, ROLE_FONT, size, CONTENT_WIDTH)
        blocks.append(
            _centred(lines, ROLE_FONT, size, bottom + ROLE_MARGIN, ascent + descent, CONTENT_LEFT, CONTENT_WIDTH)[0]
        )
    size = CODE_SIZE * PT
    ascent, descent = face(CODE_FONT).metrics(size)
    blocks.append(
        _centred(
            [shape(code, CODE_FONT)], CODE_FONT, size, CODE_TOP, ascent + descent, VERIFICATION_LEFT, VERIFICATION_WIDTH
        )[0]
    )
    return blocks


def _number(value):
    return f"{value:.6f}".rstrip("0").rstrip(".").encode()


def _text(block, resource, face_):
    """The PDF text operators of a block: glyph ids in the font's own numbering (Identity-H), HarfBuzz's
    kerning as TJ adjustments against the widths the font declares."""
    scale = 1000 / face_.upem
    out = [b"BT"]
    for x, baseline, line in block.lines:
        out.append(b"1 0 0 -1 %s %s Tm /%s %s Tf" % (_number(x), _number(baseline), resource, _number(block.size)))
        parts = []
        for gid, advance, _text in line.glyphs:
            parts.append(b"<%04x>" % gid)
            adjust = (face_.advances[gid] - advance) * scale
            if adjust:
                parts.append(_number(adjust))
        out.append(b"[" + b"".join(parts) + b"] TJ")
    out.append(b"ET")
    return b"\n".join(out)


def qr_path(url):
    """The QR code of `url` (pdf.qr_png's: segno, the same error level and mask) as filled squares in the
    verification box, runs of a row's dark modules joined into one rectangle, in module units."""
    from .pdf import QR_MASK

    matrix = segno.make(url, error="m", mask=QR_MASK).matrix
    module = QR_SIZE / len(matrix)
    left = VERIFICATION_LEFT + (VERIFICATION_WIDTH - QR_SIZE) / 2
    rectangles = []
    for y, row in enumerate(matrix):
        start = None
        for x, value in enumerate((*row, 0)):
            if value & 1:
                if start is None:
                    start = x
            elif start is not None:
                rectangles.append(b"%d %d %d 1 re" % (start, y, x - start))
                start = None
    scale = _number(module)
    place = b"%s 0 0 %s %s %s cm" % (scale, scale, _number(left), _number(VERIFICATION_TOP))
    return b"%s %s g\n%s\nf" % (place, QR_INK, b"\n".join(rectangles)), (left, VERIFICATION_TOP, QR_SIZE)


class Fonts:
    """The batch's fonts for the holder's words: each font subset once to the glyphs the batch uses, and its
    PDF objects (Type 0, Identity-H, with a ToUnicode map so that the words can be copied, searched and read
    aloud) made in each certificate's file."""

    RESOURCES = {NAME_FONT: b"HName", ROLE_FONT: b"HRole", CODE_FONT: b"HCode"}

    def __init__(self, layouts):
        self.glyphs = {path: {} for path in self.RESOURCES}
        for blocks in layouts:
            for block in blocks:
                used = self.glyphs[block.path]
                for _x, _y, line in block.lines:
                    for gid, _advance, text in line.glyphs:
                        if text and gid not in used:
                            used[gid] = text
                        used.setdefault(gid, "")
        self.subsets = {path: _subset(path, frozenset(used)) for path, used in self.glyphs.items() if used}

    def make_in(self, pdf):
        """The fonts' PDF objects, made once in `pdf` (the batch's shared pages): {resource name: font}."""
        return {
            self.RESOURCES[path]: _font_object(pdf, face(path), tag, data, self.glyphs[path])
            for path, (tag, data) in self.subsets.items()
        }


@lru_cache(maxsize=16)
def _subset(path, gids):
    """(subset tag, font file) of the font at `path` cut to `gids`, glyph ids kept (so that the content streams
    can name glyphs by HarfBuzz's ids). Kept for a few batches: the code's font is always the same glyphs."""
    options = subset.Options()
    options.retain_gids = True
    options.hinting = False
    options.notdef_outline = True
    options.layout_features = []
    options.name_IDs = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "MATH"]
    font = TTFont(io.BytesIO(face(path).data), lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=sorted(gids | {0}))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    digest = sha256(repr(sorted(gids)).encode()).digest()
    tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
    return tag, out.getvalue()


def _font_object(pdf, face_, tag, data, texts):
    scale = 1000 / face_.upem
    base = f"{tag}+ALP-{face_.path.removeprefix('fonts/DejaVu').removesuffix('.ttf')}"
    widths = pikepdf.Array()
    for gid in sorted(texts):
        widths.extend([gid, pikepdf.Array([round(face_.advances[gid] * scale)])])
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/" + base),
        FontFile2=pikepdf.Stream(pdf, data),
        **{key: pikepdf.Array(value) if isinstance(value, list) else value for key, value in face_.descriptor.items()},
    )
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/" + base),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        W=widths,
        CIDToGIDMap=pikepdf.Name.Identity,
    )
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type0,
            BaseFont=pikepdf.Name("/" + base),
            Encoding=pikepdf.Name("/Identity-H"),
            DescendantFonts=pikepdf.Array([pdf.make_indirect(cid_font)]),
            ToUnicode=pikepdf.Stream(pdf, _to_unicode(texts)),
        )
    )


def _to_unicode(texts):
    entries = [(gid, text) for gid, text in sorted(texts.items()) if text]
    out = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        out.append(b"%d beginbfchar" % len(chunk))
        out.extend(b"<%04x> <%s>" % (gid, text.encode("utf-16-be").hex().encode()) for gid, text in chunk)
        out.append(b"endbfchar")
    out.append(b"endcmap CMapName currentdict /CMap defineresource pop end end")
    return b"\n".join(out)


def content(blocks, qr, first_mcid):
    """The holder's layer as page content: each block and the QR code as marked content (MCIDs from
    `first_mcid`, in the order name, role, QR code, code), under the page's own transformation."""
    *words, code = blocks
    parts, mcid = [b"q", PAGE_MATRIX, INK + b" rg"], first_mcid
    for block in words:
        parts.append(b"/P <</MCID %d>> BDC" % mcid)
        parts.append(_text(block, Fonts.RESOURCES[block.path], face(block.path)))
        parts.append(b"EMC")
        mcid += 1
    parts.extend([b"/Figure <</MCID %d>> BDC q" % mcid, qr, b"Q EMC"])
    mcid += 1
    parts.extend(
        [
            b"/P <</MCID %d>> BDC" % mcid,
            INK + b" rg",
            _text(code, Fonts.RESOURCES[CODE_FONT], face(CODE_FONT)),
            b"EMC",
            b"Q",
        ]
    )
    return b"\n".join(parts) + b"\n"
