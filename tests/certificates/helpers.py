"""A small cohort for the certificates tests: a launch, a workshop of two sessions, people who did or did not
take part."""

import subprocess
from datetime import timedelta

from django.utils import timezone

from tests import factories as f
from workshops.enums import EventKind


def pdf_text(pdf_bytes, tmp_path, name="doc.pdf"):
    path = tmp_path / name
    path.write_bytes(pdf_bytes)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    return result.stdout


def flat(text):
    return " ".join(text.split())


def cohort(min_workshop_sessions=2, **initiative_fields):
    """An initiative with a launch (one 90-minute session) and a workshop of two 120-minute sessions."""
    initiative = f.make_initiative(
        name="ALP América del Sur 2023",
        min_workshop_sessions=min_workshop_sessions,
        signatory_name="Marcelo Pisani",
        signatory_title="Director Regional",
        **initiative_fields,
    )
    start = timezone.now() - timedelta(days=60)
    launch = f.make_session(f.make_event(initiative, EventKind.LAUNCH), starts_at=start, minutes=90)
    workshop = f.make_event(initiative, EventKind.WORKSHOP)
    sessions = [f.make_session(workshop, starts_at=start + timedelta(days=20 + i), minutes=120) for i in range(2)]
    return initiative, launch, sessions


def qualify(official, launch, sessions, initiative):
    """Invite `official` and record them present at the launch and every workshop session."""
    f.invite(official, initiative)
    f.attend(official, launch)
    for session in sessions:
        f.attend(official, session)
    return official
