"""A new cohort from an old one (issue 15, item 4): the setup copied field by field with the dates moved to the new
launch at the same local time, none of the people's data, the first stage, a log entry; a fixed number of
queries; the admin's form, preview and confirmation for regional staff only."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alp_portal.audit import describe
from authorities.models import Invitation
from certificates.models import Recognition
from initiative.cloning import COPIED_FIELDS, clone_initiative, plan_clone
from initiative.enums import Stage
from initiative.models import Initiative, Publication, Resource, StageTransition, Stakeholder
from tests import factories as f
from workshops.enums import EventKind, QuestionnaireKind
from workshops.models import (
    AgendaItem,
    AlmiContribution,
    Attendance,
    Automapeo,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)

pytestmark = pytest.mark.django_db

PEOPLE = [Invitation, Registration, Attendance, Automapeo, AlmiContribution, QuestionnaireResponse, Recognition]


def cohort_2023(workshops=1):
    """A cohort like 2023's: a launch in Lima, workshop editions, agenda, stakeholders, resources, people."""
    staff = f.make_regional_staff()
    old = f.make_initiative(
        name="ALP Sudamérica 2023",
        year=2023,
        description="Primera cohorte",
        min_workshop_sessions=2,
        attendance_threshold_percent=80,
        signatory_name="Marcelo Pisani",
        signatory_title="Director Regional",
        translations={"name": {"en": "ALP South America 2023"}},
        submissions_close_at=datetime(2023, 11, 30, 23, 0, tzinfo=UTC),
    )
    launch = f.make_event(old, EventKind.LAUNCH, title="Lanzamiento", description="En Lima", location="Lima")
    # 10:00 in Lima (UTC-5) on 15 August 2023.
    opening = f.make_session(
        launch,
        starts_at=datetime(2023, 8, 15, 15, 0, tzinfo=UTC),
        time_zone="America/Lima",
        title="Apertura",
        meeting_url="https://meet.example.org/launch",
        recording_url="https://video.example.org/launch",
    )
    AgendaItem.objects.create(session=opening, starts_at=time(10), activity="Bienvenida", facilitator="OIM")
    for edition in range(1, workshops + 1):
        event = f.make_event(old, EventKind.WORKSHOP, edition=edition, title=f"Taller {edition}", capacity=40)
        for day in (1, 2):
            # 9:00 in São Paulo (UTC-3).
            session = f.make_session(
                event,
                starts_at=datetime(2023, 9, edition + day, 12, 0, tzinfo=UTC),
                time_zone="America/Sao_Paulo",
                title=f"Día {day}",
            )
            AgendaItem.objects.create(session=session, starts_at=time(9), activity=f"Módulo {day}")
    Stakeholder.objects.create(initiative=old, name="Red de ciudades", email="red@example.org")
    Stakeholder.objects.create(initiative=old, name="Ministerio", email="min@example.org", language="pt-br")
    Resource.objects.create(initiative=old, title="Manual", url="https://example.org/manual.pdf")
    Resource.objects.create(title="Guía general", url="https://example.org/guia.pdf")  # every initiative's

    official = f.make_official_user(f.make_government("PE"))
    f.invite(official, old)
    Registration.objects.create(official=official, event=Event.objects.get(initiative=old, edition=1), initiative=old)
    f.attend(official, opening, minutes=100)
    f.make_automapeo(official.local_government, old)
    f.make_contribution(official, old)
    QuestionnaireResponse.objects.create(official=official, initiative=old, kind=QuestionnaireKind.ENTRY, knowledge=3)
    f.make_recognition(old, official=official, issued_by=staff)
    StageTransition.objects.create(initiative=old, from_stage="mapping", to_stage="launch", by=staff)
    Publication.objects.create(
        initiative=old,
        piece="recognized",
        is_published=True,
        changed_by=staff,
        published_at=datetime(2024, 1, 10, tzinfo=UTC),
    )
    return old, staff


def fields_of(obj, skip=()):
    skip = {"id", "created", "updated", *skip}
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in skip}


def test_the_setup_is_copied_field_by_field_and_no_ones_data():
    old, staff = cohort_2023()
    before = {model: model.objects.count() for model in PEOPLE}
    new = clone_initiative(
        source=old,
        name="ALP Sudamérica 2027",
        year=2027,
        region="América del Sur",
        launch_date=date(2027, 8, 10),
        by=staff,
    )

    assert (new.name, new.year, new.region, new.stage) == (
        "ALP Sudamérica 2027",
        2027,
        "América del Sur",
        Stage.MAPPING,
    )
    assert new.slug == "alp-sudamerica-2027"
    for name in COPIED_FIELDS:
        assert getattr(new, name) == getattr(old, name), name
    days = (date(2027, 8, 10) - date(2023, 8, 15)).days
    assert new.submissions_close_at == old.submissions_close_at + timedelta(days=days)

    old_events = list(old.events.order_by("kind", "edition"))
    new_events = list(new.events.order_by("kind", "edition"))
    assert len(new_events) == len(old_events) == 2
    for was, now in zip(old_events, new_events, strict=True):
        assert fields_of(now, skip=["initiative_id"]) == fields_of(was, skip=["initiative_id"])
        old_sessions = list(was.sessions.order_by("starts_at"))
        new_sessions = list(now.sessions.order_by("starts_at"))
        assert len(new_sessions) == len(old_sessions)
        for s_was, s_now in zip(old_sessions, new_sessions, strict=True):
            skip = ["event_id", "starts_at", "ends_at", "recording_url"]
            assert fields_of(s_now, skip) == fields_of(s_was, skip)
            assert s_now.recording_url == ""  # last cohort's recording is not this one's
            assert s_now.ends_at - s_now.starts_at == s_was.ends_at - s_was.starts_at
            agenda = [fields_of(a, ["session_id"]) for a in s_now.agenda_items.order_by("starts_at")]
            assert agenda == [fields_of(a, ["session_id"]) for a in s_was.agenda_items.order_by("starts_at")]

    # The launch moves to 10 August 2027, still at 10:00 in Lima; the workshop at 9:00 in São Paulo.
    opening = Session.objects.get(event__initiative=new, title="Apertura")
    assert opening.starts_at == datetime(2027, 8, 10, 15, 0, tzinfo=UTC)
    day_1 = Session.objects.get(event__initiative=new, title="Día 1")
    assert day_1.starts_at == datetime(2023, 9, 2, 12, 0, tzinfo=UTC) + timedelta(days=days)

    stakeholders = [fields_of(s, ["initiative_id"]) for s in new.stakeholders.order_by("name")]
    assert stakeholders == [fields_of(s, ["initiative_id"]) for s in old.stakeholders.order_by("name")]
    assert [r.title for r in Resource.objects.filter(initiative=new)] == ["Manual"]
    assert Resource.objects.filter(initiative=None).count() == 1  # the general guide is not duplicated

    assert {model: model.objects.count() for model in PEOPLE} == before
    assert not Invitation.objects.filter(initiative=new).exists()
    assert not Registration.objects.filter(initiative=new).exists()
    assert not Attendance.objects.filter(session__event__initiative=new).exists()
    assert not Automapeo.objects.filter(initiative=new).exists()
    assert not AlmiContribution.objects.filter(initiative=new).exists()
    assert not QuestionnaireResponse.objects.filter(initiative=new).exists()
    assert not Recognition.objects.filter(initiative=new).exists()
    assert not StageTransition.objects.filter(initiative=new).exists()
    assert not Publication.objects.filter(initiative=new).exists()

    entry = LogEntry.objects.get(object_id=str(new.pk), content_type__model="initiative")
    assert str(describe(entry)) == "Creada a partir de «ALP Sudamérica 2023»: se copiaron 2 eventos y 3 sesiones."


def test_the_copy_costs_the_same_queries_for_2_or_20_events():
    counts = []
    for workshops in (1, 19):
        old, staff = cohort_2023(workshops=workshops)
        with CaptureQueriesContext(connection) as queries:
            clone_initiative(
                source=old, name=f"Copia {workshops}", year=2027, region="Sur", launch_date=date(2027, 8, 10), by=staff
            )
        counts.append(len(queries))
        Initiative.objects.filter(pk=old.pk).update(name=f"Vieja {workshops}", slug=f"vieja-{workshops}")
    assert counts[0] == counts[1]
    assert counts[0] <= 16


def test_a_cohort_without_sessions_is_copied_as_it_is():
    old, staff = f.make_initiative(name="Sin fechas"), f.make_regional_staff()
    f.make_event(old, EventKind.LAUNCH, title="Lanzamiento")
    plan = plan_clone(old, date(2027, 1, 1))
    assert plan.shift.days == 0 and plan.session_count == 0
    new = clone_initiative(
        source=old, name="Sin fechas 2", year=2027, region="Sur", launch_date=date(2027, 1, 1), by=staff
    )
    assert list(new.events.values_list("title", flat=True)) == ["Lanzamiento"]


def test_staff_preview_then_create_the_new_cohort_in_the_admin(client):
    old, staff = cohort_2023()
    client.force_login(staff)
    url = reverse("admin:initiative_initiative_new_cohort", args=[old.pk])
    change = client.get(reverse("admin:initiative_initiative_change", args=[old.pk])).content.decode()
    assert url in change
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["year"] == 2024
    data = {"name": "ALP Sudamérica 2027", "year": "2027", "region": "América del Sur", "launch_date": "2027-08-10"}

    preview = client.post(url, {**data, "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Apertura" in html and "10 de agosto de 2027" in html and "Taller 1" in html
    assert not Initiative.objects.filter(name="ALP Sudamérica 2027").exists()  # a preview creates nothing

    created = client.post(url, {**data, "confirm": "1"})
    new = Initiative.objects.get(name="ALP Sudamérica 2027")
    assert created.status_code == 302 and created["Location"] == reverse(
        "admin:initiative_initiative_change", args=[new.pk]
    )
    again = client.post(url, {**data, "preview": "1"})
    assert again.context["form"].errors == {"name": ["Ya existe una iniciativa con este nombre: elija otro nombre."]}


def test_country_offices_cannot_start_a_cohort(client):
    old, _staff = cohort_2023()
    client.force_login(f.make_country_staff("PE"))
    url = reverse("admin:initiative_initiative_new_cohort", args=[old.pk])
    assert client.get(url).status_code in (403, 404)
    data = {"name": "Copia", "year": "2027", "region": "Sur", "launch_date": "2027-08-10", "confirm": "1"}
    assert client.post(url, data).status_code in (403, 404)
    assert not Initiative.objects.filter(name="Copia").exists()
