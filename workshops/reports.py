"""Participant reports of video meetings (Zoom, Microsoft Teams, Google Meet): bytes in, participants out.

Pure functions, no database: `parse_report(data)` recognises the tool, reads its rows, and merges the rows of
one person (who reconnected, or joined twice) into one participant whose time counts overlapping segments
once. `name_tokens(name)` is the normalisation the matcher uses (accents, case, particles of Spanish and
Portuguese double surnames).

Times in these reports carry no time zone; they are only ever subtracted from each other, so that is enough.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ZOOM = "zoom"
TEAMS = "teams"
MEET = "meet"

MAX_REPORT_BYTES = 5 * 1024 * 1024  # a 2,000-row Zoom report is about 250 KB
MAX_ROWS = 20_000
MAX_COLUMNS = 50  # the widest report (Zoom with its meeting details) has about 15 columns


class ReportError(Exception):
    """A file that cannot be read as a participant report, with a message that says what was expected."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


EXPECTED = gettext_noop(
    "Expected the participant report exported by Zoom (Participants, CSV), Microsoft Teams (attendance "
    "report, CSV) or Google Meet (attendance, CSV)."
)


def expected_message():
    return _(EXPECTED)


@dataclass
class Participant:
    """One person in a report, after merging their rows."""

    name: str
    email: str = ""
    alt_names: list = field(default_factory=list)
    intervals: list = field(default_factory=list)  # [(join, leave)] as naive datetimes
    extra_seconds: int = 0  # time known only as a duration, without join and leave times
    guest: bool = False
    rows: int = 1

    @property
    def seconds(self):
        return merged_seconds(self.intervals) + self.extra_seconds


@dataclass
class ParsedReport:
    tool: str
    participants: list
    rows_read: int
    title: str = ""


# --- time ---------------------------------------------------------------------------------------------

_DATETIME_FORMATS = [
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%y, %I:%M:%S %p",
    "%m/%d/%y, %H:%M:%S",
    "%d/%m/%y, %H:%M:%S",
    "%m/%d/%Y, %I:%M:%S %p",
    "%d/%m/%Y, %H:%M:%S",
    "%m/%d/%Y, %H:%M:%S",
    "%Y-%m-%d, %H:%M:%S",
    "%d.%m.%Y, %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%I:%M:%S %p",
    "%I:%M %p",
    "%H:%M:%S",
    "%H:%M",
]


class _TimeReader:
    """Reads the timestamps of one file, remembering the format that worked (files use one format)."""

    def __init__(self):
        self.last = None

    def __call__(self, text):
        text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
        if not text:
            return None
        text = text.replace("a. m.", "AM").replace("p. m.", "PM").replace("a.m.", "AM").replace("p.m.", "PM")
        if self.last:
            try:
                return datetime.strptime(text, self.last)
            except ValueError:
                pass
        for fmt in _DATETIME_FORMATS:
            try:
                value = datetime.strptime(text, fmt)
            except ValueError:
                continue
            self.last = fmt
            return value
        return None


_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours|hora|horas|m|min|mins|minute|minutes|minuto|minutos|"
    r"s|sec|secs|second|seconds|seg|segundo|segundos)\b",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(text, *, default_unit="m"):
    """'1h 2m 3s', '1 hr 35 min', '95 min', '01:35:12' or a plain number (in `default_unit`) → seconds."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return round(float(text.replace(",", ".")) * _UNIT_SECONDS[default_unit])
    clock = re.fullmatch(r"(\d+):(\d{2})(?::(\d{2}))?", text)
    if clock:
        hours, minutes, seconds = clock.groups()
        return int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)
    parts = _DURATION_PART.findall(text)
    if not parts:
        return None
    return round(sum(float(number.replace(",", ".")) * _UNIT_SECONDS[unit[0].lower()] for number, unit in parts))


def merged_seconds(intervals):
    """Seconds covered by the union of (start, end) intervals: overlapping time counts once."""
    total = 0
    current_start = current_end = None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return int(total)


# --- names --------------------------------------------------------------------------------------------

# Particles of Spanish and Portuguese surnames ("de la", "da", "dos") and the conjunction of double
# surnames ("Pérez y Gutiérrez", "Silva e Gonçalves"): people write them or leave them out.
PARTICLES = frozenset({"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "y", "e", "van", "von"})
_PARENTHESES = re.compile(r"\(([^)]*)\)")


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def name_tokens(text):
    """The words of a name, without accents, case, punctuation, particles and initials."""
    text = strip_accents(text or "").casefold()
    words = re.split(r"[\W_]+", text)
    return tuple(w for w in words if len(w) > 1 and w not in PARTICLES)


def name_key(text):
    return " ".join(sorted(name_tokens(text)))


GUEST_MARKERS = frozenset(
    {
        "guest",
        "external",
        "unverified",
        "invitado",
        "invitada",
        "externo",
        "externa",
        "convidado",
        "convidada",
        "nao verificado",
        "no verificado",
    }
)


def split_display_name(text):
    """'Majo Pérez (María José Pérez Gutiérrez)' → ('Majo Pérez', ['María José Pérez Gutiérrez'], False).

    Zoom puts the original name in parentheses; Teams marks guests with '(Guest)' or '(External)'."""
    text = " ".join((text or "").split())
    alt, guest = [], False
    for inner in _PARENTHESES.findall(text):
        inner = inner.strip()
        if strip_accents(inner).casefold() in GUEST_MARKERS:
            guest = True
        elif inner:
            alt.append(inner)
    main = " ".join(_PARENTHESES.sub(" ", text).split())
    return main or (alt.pop(0) if alt else ""), alt, guest


# --- files --------------------------------------------------------------------------------------------


def decode(data):
    """Bytes → text: UTF-8 (with or without BOM) or UTF-16 (with BOM, or recognised by its zero bytes)."""
    if not data or not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise ReportError(_("The file is empty. %(expected)s") % {"expected": expected_message()})
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(
            _("The file is too large (%(size)d KB; at most %(limit)d KB). %(expected)s")
            % {"size": len(data) // 1024, "limit": MAX_REPORT_BYTES // 1024, "expected": expected_message()}
        )
    if data[:4] == b"PK\x03\x04":
        raise ReportError(
            _("This is an Excel workbook or another zipped file: export the report as CSV. %(expected)s")
            % {"expected": expected_message()}
        )
    if data[:5] == b"%PDF-":
        raise ReportError(
            _("This is a PDF document, not a participant report. %(expected)s") % {"expected": expected_message()}
        )
    try:
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return data.decode("utf-16")
        head = data[:200]
        if head.count(b"\x00") > len(head) // 4:
            return data.decode("utf-16-le" if head[1:2] == b"\x00" else "utf-16-be")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReportError(
            _(
                "The file is not in a text encoding these tools use: expected UTF-8 (Zoom, Google Meet) or "
                "UTF-16 (Microsoft Teams). If you opened and saved it in a spreadsheet program, download it "
                "from the meeting tool again and upload it unchanged."
            )
        ) from None


def _header_key(text):
    return " ".join(re.split(r"[\W_]+", strip_accents(text or "").casefold())).strip()


def _find_column(headers, *candidates, exclude=(), after=None):
    """Index of the first header that starts with one of `candidates` (normalised), or None.

    With `after`, columns from that index on are preferred: Zoom's flattened export repeats "User Email" and
    "Duration (Minutes)" for the host's meeting before the participant's."""
    keys = [_header_key(h) for h in headers]
    order = list(range(len(keys)))
    if after is not None:
        order = order[after:] + order[:after]
    for candidate in candidates:
        for index in order:
            key = keys[index]
            if (key == candidate or key.startswith(candidate + " ")) and not any(x in key for x in exclude):
                return index
    return None


def _cell(row, index):
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _is_yes(text):
    return _header_key(text) in {"yes", "si", "sim", "true", "1"}


def _add_segment(participants, order, *, name, email, join, leave, seconds, guest):
    main, alt, marked_guest = split_display_name(name)
    email = (email or "").strip().casefold()
    if "@" not in email:
        email = ""
    key = ("email", email) if email else ("name", name_key(main) or main.casefold())
    person = participants.get(key)
    if person is None:
        person = participants[key] = Participant(
            name=main, email=email, alt_names=alt, guest=guest or marked_guest, rows=0
        )
        order.append(key)
    person.rows += 1
    for extra in alt:
        if extra not in person.alt_names and extra != person.name:
            person.alt_names.append(extra)
    person.guest = person.guest and (guest or marked_guest)
    if join and leave:
        if leave < join:  # the meeting went past midnight and the report shows times only
            leave += timedelta(days=1)
        person.intervals.append((join, leave))
    elif seconds:
        person.extra_seconds += seconds


def _finish(participants, order):
    """Fold rows without an e-mail into the one participant with an e-mail and the same name, if any."""
    by_name = {}
    for key in order:
        if key[0] == "email":
            by_name.setdefault(name_key(participants[key].name), []).append(participants[key])
    result = []
    for key in order:
        person = participants[key]
        if key[0] == "name":
            same = by_name.get(key[1], [])
            if len(same) == 1:
                target = same[0]
                target.intervals.extend(person.intervals)
                target.extra_seconds += person.extra_seconds
                target.rows += person.rows
                target.guest = target.guest and person.guest
                continue
        result.append(person)
    return result


def _csv_rows(text):
    sample = text[:4096]
    delimiter = ","
    first_lines = [line for line in sample.splitlines() if line.strip()][:3]
    if first_lines and all(line.count(";") > line.count(",") for line in first_lines):
        delimiter = ";"  # spreadsheet programs with a comma as decimal separator
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _parse_zoom(rows, header_at):
    headers = rows[header_at]
    name = _find_column(headers, "name", "nombre", "nome")
    email = _find_column(headers, "user email", "email", "correo", "e mail", after=name)
    join = _find_column(headers, "join time", "hora de ingreso", "hora de entrada", "horario de entrada")
    leave = _find_column(headers, "leave time", "hora de salida", "hora de saida", "horario de saida")
    duration = _find_column(headers, "duration", "total duration", "duracion", "duracao", after=name)
    guest = _find_column(headers, "guest", "invitado", "convidado", after=name)
    read_time = _TimeReader()
    participants, order, count = {}, [], 0
    for row in rows[header_at + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        person_name = _cell(row, name)
        if not person_name:
            continue
        count += 1
        seconds = parse_duration(_cell(row, duration), default_unit="m")
        _add_segment(
            participants,
            order,
            name=person_name,
            email=_cell(row, email),
            join=read_time(_cell(row, join)),
            leave=read_time(_cell(row, leave)),
            seconds=seconds,
            guest=_is_yes(_cell(row, guest)),
        )
    return participants, order, count


def _parse_meet(rows, header_at):
    headers = rows[header_at]
    first = _find_column(headers, "first name", "nombre", "nome")
    last = _find_column(headers, "last name", "apellido", "apellidos", "sobrenome")
    full = _find_column(headers, "name", "participant name", "full name", exclude=("first", "last"))
    email = _find_column(headers, "email", "participant email", "correo", "e mail")
    duration = _find_column(headers, "duration", "duracion", "duracao")
    participants, order, count = {}, [], 0
    for row in rows[header_at + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        person_name = f"{_cell(row, first)} {_cell(row, last)}".strip() if first is not None else _cell(row, full)
        if not person_name:
            continue
        count += 1
        # Meet lists each person once with the time already summed: the duration is the fact.
        _add_segment(
            participants,
            order,
            name=person_name,
            email=_cell(row, email),
            join=None,
            leave=None,
            seconds=parse_duration(_cell(row, duration), default_unit="m") or 0,
            guest=False,
        )
    return participants, order, count


_GUEST_UPN = re.compile(r"^(?P<local>.+)_(?P<domain>[^_@#]+)#ext#@", re.IGNORECASE)


def _upn_column(headers):
    """Teams' "Participant ID (UPN)" column, in any of its languages ("Id. de participante (UPN)")."""
    for index, header in enumerate(headers):
        key = _header_key(header)
        if key == "upn" or key.endswith(" upn"):
            return index
    return None


def upn_address(upn):
    """The e-mail a Teams user principal name stands for. A guest account's UPN encodes the guest's own
    address ("ana_rosario.gob.ar#EXT#@iom.onmicrosoft.com" is ana@rosario.gob.ar); any other UPN is an
    account's sign-in address, kept as it is."""
    upn = (upn or "").strip()
    guest = _GUEST_UPN.match(upn)
    if guest:
        return f"{guest['local']}@{guest['domain']}"
    return upn


def _teams_addresses(rows, header_at):
    """Name → address from Teams' participants list (its e-mail, else its UPN): the activities list may
    leave both out, and an address must not be lost, since the matcher credits by e-mail before name."""
    headers = rows[header_at]
    name = _find_column(headers, "name", "full name", "nombre", "nome")
    email = _find_column(headers, "email", "correo", "e mail")
    upn = _upn_column(headers)
    found = {}
    for row in rows[header_at + 1 :]:
        if not any(cell.strip() for cell in row) or re.match(r"^\d+\.\s", row[0]):
            break
        address = _cell(row, email) or upn_address(_cell(row, upn))
        if address:
            found.setdefault(_cell(row, name), address)
    return found


def _parse_teams(text):
    rows = [line.split("\t") for line in text.splitlines()]
    title = ""
    activities = participants_at = None
    for index, row in enumerate(rows):
        keys = [_header_key(cell) for cell in row]
        if keys and keys[0] in {"meeting title", "titulo de la reunion", "titulo da reuniao"} and len(row) > 1:
            title = row[1].strip()
        if "full name" in keys and "user action" in keys and "timestamp" in keys:
            return _parse_teams_events(rows, index)
        if "name" in keys or "full name" in keys or "nombre" in keys or "nome" in keys:
            joins = any(k in keys for k in ("join time", "hora de union", "hora de entrada"))
            leaves = any(k in keys for k in ("leave time", "hora de salida", "hora de saida"))
            if joins and leaves and activities is None:
                activities = index
            if any(k.startswith(("first join", "primera union", "primeira entrada")) for k in keys):
                participants_at = participants_at if participants_at is not None else index
    if activities is None and participants_at is None:
        return None
    read_time = _TimeReader()
    found, order, count = {}, [], 0
    if activities is not None:
        headers = rows[activities]
        name = _find_column(headers, "full name", "name", "nombre", "nome")
        email = _find_column(headers, "email", "correo", "e mail")
        join = _find_column(headers, "join time", "hora de union", "hora de entrada")
        leave = _find_column(headers, "leave time", "hora de salida", "hora de saida")
        duration = _find_column(headers, "duration", "duracion", "duracao")
        upn = _upn_column(headers)
        listed = _teams_addresses(rows, participants_at) if participants_at is not None else {}
        for row in rows[activities + 1 :]:
            if not any(cell.strip() for cell in row) or re.match(r"^\d+\.\s", row[0]):
                break
            count += 1
            _add_segment(
                found,
                order,
                name=_cell(row, name),
                email=_cell(row, email) or upn_address(_cell(row, upn)) or listed.get(_cell(row, name), ""),
                join=read_time(_cell(row, join)),
                leave=read_time(_cell(row, leave)),
                seconds=parse_duration(_cell(row, duration)),
                guest=False,
            )
    else:
        headers = rows[participants_at]
        name = _find_column(headers, "name", "full name", "nombre", "nome")
        email = _find_column(headers, "email", "correo", "e mail")
        duration = _find_column(headers, "in meeting duration", "duration", "duracion", "duracao")
        upn = _upn_column(headers)
        for row in rows[participants_at + 1 :]:
            if not any(cell.strip() for cell in row) or re.match(r"^\d+\.\s", row[0]):
                break
            count += 1
            # Teams has already merged each person's connections into this duration.
            _add_segment(
                found,
                order,
                name=_cell(row, name),
                email=_cell(row, email) or upn_address(_cell(row, upn)),
                join=None,
                leave=None,
                seconds=parse_duration(_cell(row, duration)) or 0,
                guest=False,
            )
    return ParsedReport(TEAMS, _finish(found, order), count, title)


def _parse_teams_events(rows, header_at):
    """The first Teams attendance list (2020-2021): one line per "Joined" or "Left" event of a person."""
    headers = rows[header_at]
    name = _find_column(headers, "full name")
    action = _find_column(headers, "user action")
    stamp = _find_column(headers, "timestamp")
    read_time = _TimeReader()
    events, count = [], 0
    for row in rows[header_at + 1 :]:
        if not any(cell.strip() for cell in row):
            continue
        moment = read_time(_cell(row, stamp))
        if moment is None or not _cell(row, name):
            continue
        count += 1
        events.append((_cell(row, name), _header_key(_cell(row, action)), moment))
    if not events:
        return ParsedReport(TEAMS, [], 0)
    # Someone still in the meeting when the list was downloaded counts until its last event.
    last = max(moment for _, _, moment in events)
    found, order, open_since = {}, [], {}
    for person, verb, moment in events:
        if verb.startswith("joined"):
            open_since.setdefault(person, moment)
        elif verb.startswith("left") and person in open_since:
            start = open_since.pop(person)
            _add_segment(found, order, name=person, email="", join=start, leave=moment, seconds=0, guest=False)
    for person, start in open_since.items():
        _add_segment(found, order, name=person, email="", join=start, leave=last, seconds=0, guest=False)
    return ParsedReport(TEAMS, _finish(found, order), count)


def parse_report(data, *, file_name=""):
    """Recognise and read a participant report. Raises ReportError with a message a person can act on."""
    text = decode(data)
    _check_shape(text)
    try:
        return _parse_text(text, file_name)
    except csv.Error:  # an unclosed quotation mark runs on until the field is too long
        raise ReportError(
            _(
                "The file could not be read as CSV: a quotation mark is not closed or a cell is too long. "
                "Upload the report as the meeting tool exported it. %(expected)s"
            )
            % {"expected": expected_message()}
        ) from None


def _parse_text(text, file_name):
    if "\t" in text[:4096]:
        report = _parse_teams(text)
        if report is not None:
            return _non_empty(report)
    rows = _csv_rows(text)
    for index, row in enumerate(rows[:30]):
        keys = [_header_key(cell) for cell in row]
        joined = " | ".join(keys)
        has_name = any(k.startswith(("name", "nombre", "nome", "first name")) for k in keys)
        if not has_name:
            continue
        zoom_times = ("join time", "hora de ingreso", "hora de entrada", "horario de entrada")
        # "Total Duration (Minutes)": Zoom's export with "Show unique users" ticked, one row a person.
        if any(k.startswith((*zoom_times, "total duration")) for k in keys):
            participants, order, count = _parse_zoom(rows, index)
            return _non_empty(ParsedReport(ZOOM, _finish(participants, order), count, _zoom_title(rows, index)))
        if "time exited" in joined or "time joined" in joined or ("duration" in joined and "email" in joined):
            participants, order, count = _parse_meet(rows, index)
            return _non_empty(ParsedReport(MEET, _finish(participants, order), count))
    raise ReportError(
        _(
            "“%(name)s” is not a participant report: no column of names with join times or durations was found. "
            "%(expected)s"
        )
        % {"name": file_name or _("The file"), "expected": expected_message()}
    )


# Line breaks as str.splitlines() sees them.
_BREAK_CHARACTERS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK = re.compile(f"\r\n|[{_BREAK_CHARACTERS}]")


def _check_shape(text):
    """Refuse too many lines, or a line of too many cells, counted on the text before anything is split.

    Splitting first would let a 5 MB file of millions of short lines, or one line of millions of commas,
    cost hundreds of megabytes and minutes (bench/upload_bomb.py).
    """
    breaks = sum(text.count(character) for character in _BREAK_CHARACTERS) - text.count("\r\n")
    lines = breaks + (text[-1] not in _BREAK_CHARACTERS)
    if lines > MAX_ROWS:
        raise ReportError(
            _("The report has %(rows)d lines; at most %(limit)d are read. %(expected)s")
            % {"rows": lines, "limit": MAX_ROWS, "expected": expected_message()}
        )
    start = 0
    for match in _LINE_BREAK.finditer(text):
        _check_width(text, start, match.start())
        start = match.end()
    _check_width(text, start, len(text))


def _check_width(text, start, end):
    if end - start >= MAX_COLUMNS and max(text.count(sep, start, end) for sep in ",;\t") >= MAX_COLUMNS:
        raise ReportError(
            _("A line of the report has more than %(limit)d columns. %(expected)s")
            % {"limit": MAX_COLUMNS, "expected": expected_message()}
        )


def _zoom_title(rows, header_at):
    """Zoom's export with meeting details has 'Meeting ID,Topic,...' and a line of values above the list."""
    for index in range(header_at):
        keys = [_header_key(cell) for cell in rows[index]]
        if "topic" in keys and index + 1 < header_at:
            values = rows[index + 1]
            position = keys.index("topic")
            return values[position].strip() if position < len(values) else ""
    return ""


def _non_empty(report):
    if not report.participants:
        raise ReportError(
            _("The report has its headings but no participant rows. %(expected)s") % {"expected": expected_message()}
        )
    return report
