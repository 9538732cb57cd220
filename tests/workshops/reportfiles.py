"""Participant reports written the way each meeting tool exports them, for the import tests."""

import csv
import io
from datetime import datetime, timedelta

DAY = datetime(2023, 10, 18, 10, 0, 0)


def at(minutes, seconds=0):
    """A moment `minutes` (and `seconds`) after 10:00 on the day of the launch."""
    return DAY + timedelta(minutes=minutes, seconds=seconds)


def _zoom_time(moment):
    return moment.strftime("%m/%d/%Y %I:%M:%S %p")


def zoom_report(rows, *, meeting_details=True, topic="ALP Lanzamiento 2023"):
    """Zoom's "Participants" CSV (UTF-8 with BOM). rows: (name, email, join, leave, guest)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if meeting_details:
        writer.writerow(
            ["Meeting ID", "Topic", "Start Time", "End Time", "User Email", "Duration (Minutes)", "Participants"]
        )
        writer.writerow(
            ["850 1234 5678", topic, _zoom_time(at(-5)), _zoom_time(at(125)), "host@iom.int", 130, len(rows)]
        )
        writer.writerow([])
    writer.writerow(
        [
            "Name (Original Name)",
            "User Email",
            "Join Time",
            "Leave Time",
            "Duration (Minutes)",
            "Guest",
            "Recording Consent",
            "In Waiting Room",
        ]
    )
    for name, email, join, leave, guest in rows:
        minutes = max(round((leave - join).total_seconds() / 60), 1)
        writer.writerow([name, email, _zoom_time(join), _zoom_time(leave), minutes, "Yes" if guest else "No", "", "No"])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _teams_time(moment):
    return f"{moment.month}/{moment.day}/{moment:%y}, {moment.strftime('%I:%M:%S %p').lstrip('0')}"


def _teams_duration(seconds):
    hours, rest = divmod(int(seconds), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = ([f"{hours}h"] if hours else []) + ([f"{minutes}m"] if minutes or hours else []) + [f"{seconds}s"]
    return " ".join(parts)


def teams_report(segments, *, title="ALP Taller - Edición 1 - Sesión 1", upns=None):
    """Teams' attendance report: UTF-16 with BOM, tab-separated, a summary, the participants, the
    activities. segments: (name, email, join, leave, role). The participants' UPN is their e-mail unless
    `upns` ({name: UPN}) gives another (a guest's "ana_rosario.gob.ar#EXT#@tenant"); the activities list
    has no UPN, as Teams writes it."""
    upns = upns or {}
    people = {}
    for name, email, join, leave, role in segments:
        person = people.setdefault(email or name, {"name": name, "email": email, "role": role, "spans": []})
        person["spans"].append((join, leave))
    lines = [
        "1. Summary",
        f"Meeting title\t{title}",
        f"Attended participants\t{len(people)}",
        f"Start time\t{_teams_time(at(-5))}",
        f"End time\t{_teams_time(at(125))}",
        "Meeting duration\t2h 10m 0s",
        "Average attendance time\t1h 30m 12s",
        "",
        "2. Participants",
        "Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole",
    ]
    for person in people.values():
        first = min(s for s, _ in person["spans"])
        last = max(e for _, e in person["spans"])
        total = sum((e - s).total_seconds() for s, e in person["spans"])
        lines.append(
            "\t".join(
                [
                    person["name"],
                    _teams_time(first),
                    _teams_time(last),
                    _teams_duration(total),
                    person["email"],
                    upns.get(person["name"], person["email"]),
                    person["role"],
                ]
            )
        )
    lines += ["", "3. In-Meeting Activities", "Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole"]
    for name, email, join, leave, role in segments:
        lines.append(
            "\t".join(
                [
                    name,
                    _teams_time(join),
                    _teams_time(leave),
                    _teams_duration((leave - join).total_seconds()),
                    email,
                    role,
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-16")


def _meet_duration(minutes):
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hr {minutes} min" if hours else f"{minutes} min"


def meet_report(rows):
    """Google Meet's attendance CSV. rows: (first name, last name, email, minutes, joined, exited)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["First name", "Last name", "Email", "Duration", "Time joined", "Time exited"])
    for first, last, email, minutes, joined, exited in rows:
        writer.writerow(
            [
                first,
                last,
                email,
                _meet_duration(minutes),
                joined.strftime("%I:%M %p").lstrip("0"),
                exited.strftime("%I:%M %p").lstrip("0"),
            ]
        )
    return out.getvalue().encode("utf-8")
