from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from alp_portal.content_language import localized
from authorities.enums import InvitationStatus
from initiative.models import Initiative, StageTransition
from tests import factories as f
from tests.portal_world import portal  # noqa: F401 (fixture)
from tests.workshops.test_error_summary import assert_heard
from workshops import calendar
from workshops.enums import EventKind, QuestionnaireKind
from workshops.models import QuestionnaireResponse, Registration, Session
from workshops.queries import MySession
from workshops.services import RegistrationError, register_for_edition

pytestmark = pytest.mark.django_db


def _login(client, w, side="a"):
    client.cookies["django_language"] = "en"
    client.force_login(w[side]["official"].user)
    return w[side]


# ---- My sessions ----


def test_my_sessions_lists_launch_and_own_edition_with_links(client, portal):  # noqa: F811
    a = _login(client, portal)
    response = client.get(reverse("my_sessions"))
    entries = response.context["entries"]
    assert [e.session for e in entries] == [a["launch_session"], a["workshop_session"]]
    assert [e.meeting_url for e in entries] == [
        "https://meet.example.org/launch-a",
        "https://meet.example.org/w1-a",
    ]
    html = response.content.decode()
    assert "https://video.example.org/w1-a" in html
    assert "https://meet.example.org/w2-a" not in html  # edition 2: not registered, no link


def test_my_sessions_times_in_officials_time_zone(client, portal):  # noqa: F811
    a = _login(client, portal)
    session = a["launch_session"]
    session.starts_at = datetime(2030, 3, 10, 18, 0, tzinfo=UTC)
    session.ends_at = datetime(2030, 3, 10, 20, 0, tzinfo=UTC)
    session.save()
    html = client.get(reverse("my_sessions")).content.decode()
    assert "March 10, 2030, 15:00</time>\u2013<time" in html  # 18:00 UTC is 15:00 in São Paulo
    assert "America/Sao_Paulo" in html


def test_my_sessions_without_registration_hides_workshop_link(client, portal):  # noqa: F811
    a = _login(client, portal)
    a["registration"].delete()
    entries = client.get(reverse("my_sessions")).context["entries"]
    assert [e.session for e in entries] == [a["launch_session"]]


def test_launch_link_only_for_invited(client):
    initiative = f.make_initiative()
    official = f.make_official_user()
    f.invite(official, initiative, status=InvitationStatus.DECLINED)
    f.make_session(f.make_event(initiative, EventKind.LAUNCH), meeting_url="https://meet.example.org/x")
    client.force_login(official.user)
    assert client.get(reverse("my_sessions")).context["entries"] == []


def test_session_calendar_parses_with_meeting_link(client, portal):  # noqa: F811
    a = _login(client, portal)
    response = client.get(reverse("session_calendar", args=[a["launch_session"].pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw = response.content
    assert raw.count(b"\r\n") == raw.count(b"\n")  # every line ends in CRLF
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    assert str(event["SUMMARY"]) == "Launch a: Launch session a"
    assert event.decoded("DTSTART") == a["launch_session"].starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == a["launch_session"].ends_at.replace(microsecond=0)
    assert str(event["URL"]) == "https://meet.example.org/launch-a"
    assert str(event["DESCRIPTION"]) == "Launch a\n15:00 Bienvenida; presentación\nhttps://meet.example.org/launch-a"


def test_all_sessions_calendar_has_one_event_per_session(client, portal):  # noqa: F811
    a = _login(client, portal)
    cal = icalendar.Calendar.from_ical(client.get(reverse("my_sessions_calendar")).content)
    assert [str(e["UID"]).split("@")[0] for e in cal.walk("VEVENT")] == [
        f"alp-session-{a['launch_session'].pk}",
        f"alp-session-{a['workshop_session'].pk}",
    ]
    assert str(cal["X-WR-CALNAME"]) == "ALP A"


def test_calendar_escapes_and_folds_long_text(portal):  # noqa: F811
    session = portal["a"]["launch_session"]
    session.title = "a,b;c\\d " + "ção " * 40
    text = calendar.calendar([MySession(session, "", "")], name="x;y")
    assert "SUMMARY:Launch a: a\\,b\\;c\\\\d ção" in text
    assert "X-WR-CALNAME:x\\;y\r\n" in text
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)  # folded at 75 octets, never inside a character
    [summary] = [line for line in text.replace("\r\n ", "").split("\r\n") if line.startswith("SUMMARY:")]
    assert summary == "SUMMARY:Launch a: a\\,b\\;c\\\\d " + "ção " * 40
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Launch a: " + session.title


# ---- Registration ----


def test_registration_changes_edition_before_start(client, portal):  # noqa: F811
    a = _login(client, portal)
    response = client.post(reverse("registration"), {"event": a["edition_2"].pk})
    assert response.status_code == 302
    assert list(Registration.objects.filter(official=a["official"]).values_list("event", flat=True)) == [
        a["edition_2"].pk
    ]


def test_registration_double_submit_creates_one_row(client, portal):  # noqa: F811
    a = _login(client, portal)
    a["registration"].delete()
    for _ in range(2):
        client.post(reverse("registration"), {"event": a["edition_2"].pk})
    assert Registration.objects.filter(official=a["official"]).count() == 1


def test_registration_refused_once_edition_started(client, portal):  # noqa: F811
    a = _login(client, portal)
    session = a["workshop_session"]
    session.starts_at = timezone.now() - timedelta(hours=1)
    session.ends_at = timezone.now() + timedelta(hours=1)
    session.save()
    response = client.post(reverse("registration"), {"event": a["edition_2"].pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "event": ["Your edition, Edition 1 a, has already started: your registration can't change."]
    }


def test_registration_to_started_edition_refused(portal):  # noqa: F811
    a = portal["a"]
    a["registration"].delete()
    session = a["other_session"]
    session.starts_at = datetime(2020, 1, 2, 12, tzinfo=UTC)
    session.ends_at = datetime(2020, 1, 2, 14, tzinfo=UTC)
    session.save()
    with translation.override("en"), pytest.raises(RegistrationError) as error:
        register_for_edition(official=a["official"], event=a["edition_2"])
    assert error.value.message == "Edition 2 a started on Jan. 2, 2020: registration is closed."


def test_registration_full_edition_refused(portal):  # noqa: F811
    a = portal["a"]
    a["edition_2"].capacity = 1
    a["edition_2"].save()
    other = f.make_official(a["government"])
    f.invite(other, a["initiative"])
    register_for_edition(official=other, event=a["edition_2"])
    with pytest.raises(RegistrationError):
        register_for_edition(official=a["official"], event=a["edition_2"])


def test_registration_missing_choice_error_next_to_field(client, portal):  # noqa: F811
    _login(client, portal)
    response = client.post(reverse("registration"), {})
    assert response.context["form"].errors == {"event": ["Choose one edition."]}
    assert 'id="id_event_error"' in response.content.decode()
    # The summary at the top links to the group of editions, which takes focus (tabindex="-1").
    assert_heard("registration", response.content.decode(), fields=["id_event"])
    assert '<fieldset id="id_event" tabindex="-1" aria-describedby="id_event_error">' in response.content.decode()


def test_registration_database_keeps_one_edition_per_initiative(portal):  # noqa: F811
    a = portal["a"]
    with pytest.raises(IntegrityError):
        Registration.objects.create(official=a["official"], event=a["edition_2"], initiative=a["initiative"])


# ---- Home ----


def test_home_official_shows_timeline_tasks_and_government(client, portal):  # noqa: F811
    a = _login(client, portal)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "home_official.html"
    steps = response.context["timeline"]
    assert [(s.stage.value, s.state) for s in steps] == [
        ("launch", "done"),
        ("workshop", "current"),
        ("certification", "upcoming"),
        ("dissemination", "upcoming"),
    ]
    assert steps[0].starts == a["launch_session"].starts_at
    assert [(t.key, t.done) for t, _ in response.context["tasks"]] == [
        ("register", True),
        ("entry_questionnaire", False),
        ("automapeo", False),
        ("almi", False),
        ("exit_questionnaire", False),
    ]
    html = response.content.decode()
    assert 'aria-current="step"' in html
    assert "Gobierno A" in html
    for path in ("/automapeo/", "/almi/", "/questionnaire/entry/", "/my/registration/"):
        assert f'href="{path}"' in html


def test_home_official_launch_stage_asks_registration_and_entry_questionnaire(client, portal):  # noqa: F811
    a = _login(client, portal)
    Initiative.objects.filter(pk=a["initiative"].pk).update(stage="launch")
    a["registration"].delete()
    QuestionnaireResponse.objects.create(
        official=a["official"], initiative=a["initiative"], kind=QuestionnaireKind.ENTRY, knowledge=2
    )
    tasks = client.get(reverse("home")).context["tasks"]
    assert [(t.key, t.done) for t, _ in tasks] == [("register", False), ("entry_questionnaire", True)]


def test_home_follows_changes_to_the_events_and_sessions(client, portal):  # noqa: F811
    """The initiative's events and sessions are kept between pages until one of them changes (initiative/home.py):
    a session moved, the editions started, a new edition and a deleted one show on the next page."""
    a = _login(client, portal)
    Initiative.objects.filter(pk=a["initiative"].pk).update(stage="launch")
    a["registration"].delete()

    def home():
        response = client.get(reverse("home"))
        return response.context["timeline"], [t.key for t, _ in response.context["tasks"]]

    steps, tasks = home()
    assert steps[0].starts == a["launch_session"].starts_at and "register" in tasks
    launch = a["launch_session"]
    launch.starts_at -= timedelta(days=1)
    launch.ends_at -= timedelta(days=1)
    launch.save()
    for session in Session.objects.filter(event__initiative=a["initiative"], event__kind=EventKind.WORKSHOP):
        session.starts_at = timezone.now() - timedelta(days=1)
        session.ends_at = session.starts_at + timedelta(hours=2)
        session.save()
    steps, tasks = home()
    assert steps[0].starts == launch.starts_at and "register" not in tasks  # no edition open any more

    edition = f.make_event(a["initiative"], kind=EventKind.WORKSHOP, title="Edición de diciembre")
    f.make_session(edition, starts_at=timezone.now() + timedelta(days=20))
    assert "register" in home()[1]
    edition.delete()
    assert "register" not in home()[1]


def test_home_certification_stage_date_from_stage_move(client, portal):  # noqa: F811
    a = _login(client, portal)
    Initiative.objects.filter(pk=a["initiative"].pk).update(stage="certification")
    move = StageTransition.objects.create(
        initiative=a["initiative"],
        from_stage="workshop",
        to_stage="certification",
        by=portal["users"]["regional"],
    )
    response = client.get(reverse("home"))
    assert response.context["timeline"][2].starts == move.at
    assert response.context["tasks"] == []


def test_home_timeline_reads_stage_moves_only_for_stages_reached_without_sessions(
    portal,  # noqa: F811
    django_assert_num_queries,
):
    """The launch and workshop take their dates from their sessions: no stage move is read for them. A stage
    not reached yet has no date, even if an earlier move back left one behind."""
    from initiative.home import EventSessions, timeline

    a = portal["a"]
    initiative, staff = a["initiative"], portal["users"]["regional"]
    moved = timezone.now() - timedelta(days=3)
    StageTransition.objects.create(
        initiative=initiative, from_stage="workshop", to_stage="certification", by=staff, at=moved
    )
    sessions = EventSessions.of(initiative)
    with django_assert_num_queries(0):
        steps = timeline(initiative, sessions)  # the workshop stage, its sessions known
    assert [(step.state, step.starts is not None) for step in steps] == [
        ("done", True),
        ("current", True),
        ("upcoming", False),  # a move to it exists, but the initiative is not there
        ("upcoming", False),
    ]
    assert steps[0].starts == a["launch_session"].starts_at
    Initiative.objects.filter(pk=initiative.pk).update(stage="certification")
    initiative.refresh_from_db()
    with django_assert_num_queries(1):
        steps = timeline(initiative, sessions)
    assert [step.starts for step in steps[2:]] == [moved, None]


def test_home_anonymous_keeps_public_front_page(client):
    response = client.get(reverse("home"))
    assert response.templates[0].name == "home.html"


# ---- Profile ----


def test_profile_save_sets_language_and_consent(client, portal):  # noqa: F811
    a = _login(client, portal)
    data = {
        "first_name": "Ana",
        "last_name": "Souza",
        "position": "Secretária",
        "role_kind": "secretary",
        "language": "pt-br",
        "time_zone": "America/Lima",
        "gender": "undisclosed",
        "public_consent": "on",
    }
    response = client.post(reverse("profile"), data)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "pt-br"
    official = a["official"]
    official.refresh_from_db()
    assert (
        official.first_name,
        official.language,
        official.time_zone,
        official.gender,
        official.public_consent,
    ) == (
        "Ana",
        "pt-br",
        "America/Lima",
        "undisclosed",
        True,
    )
    official.user.refresh_from_db()
    assert official.user.first_name == "Ana"
    assert b'<html lang="pt-br">' in client.get(reverse("profile")).content


def test_profile_gender_optional_and_errors_next_to_field(client, portal):  # noqa: F811
    _login(client, portal)
    response = client.post(
        reverse("profile"), {"first_name": "", "last_name": "X", "role_kind": "nope", "language": "en"}
    )
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["first_name", "role_kind"]
    response = client.post(
        reverse("profile"),
        {"first_name": "A", "last_name": "B", "role_kind": "other", "language": "en", "gender": ""},
    )
    assert response.status_code == 302


# ---- Recognitions on the home page ----


def _recognize(w, kind):
    holder = {"official": w["official"]} if kind == "person" else {"local_government": w["government"]}
    return f.make_recognition(w["initiative"], pdf="recognitions/x.pdf", **holder)


@pytest.mark.parametrize("kind", ["person", "government"])
def test_home_in_certification_points_to_the_issued_recognition(client, portal, kind):  # noqa: F811
    a, b = portal["a"], portal["b"]
    for side in (a, b):
        Initiative.objects.filter(pk=side["initiative"].pk).update(stage="certification")
    _login(client, portal)
    page = client.get(reverse("home")).content.decode()
    assert "has been issued" not in page  # nothing issued yet: nobody is told anything about it
    assert "Nothing right now" in page

    _recognize(a, kind)  # the official's own certificate, or their government's recognition
    page = client.get(reverse("home")).content.decode()
    whose = "your" if kind == "person" else "your local government's"
    assert f"Congratulations: {whose} recognition as Champion Local Authority has been issued" in page
    assert f'href="{reverse("certificates:mine")}"' in page
    client.force_login(b["official"].user)  # another government's official: not theirs
    assert "has been issued" not in client.get(reverse("home")).content.decode()


# ---- Query counts ----


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_sessions(w, many):
    for edition in (w["edition_1"], w["edition_2"]):
        for i in range(many):
            f.make_session(
                edition,
                starts_at=timezone.now() + timedelta(days=20 + i),
                meeting_url="https://m.example.org",
            )
    for i in range(many):
        f.make_event(w["initiative"], EventKind.WORKSHOP, title=f"Extra edition {i}")


# A fixed number of queries per page, whatever the number of sessions and editions. (home: 13 since the
# peer learning section of issue 7 looks up the government's Automapeo; 16 since it shows the official's
# path to the recognition (issue 12): their tallies, override and recognition; 12 since the events and
# sessions are read once for the timeline and the editions, the Automapeo once for the task and the peer
# learning, and the navigation reads the official the page already has (issue 14, item 2); 9 since the
# preview reads no recognition, the stage moves are read only for a stage reached without sessions, and every
# official's page reads the official and their initiative in one query (issue 14, item 2, session 24); one
# fewer on every page since the session is read from the cache (cached_db), and the home one more fewer since the
# initiative's events and sessions are kept until they change (initiative/home.py; session 26); one fewer on
# every page since the official and their initiative are kept until they change (authorities/mixins.py); the home
# 1 since what it shows of the official and their attendance are kept until they change (issue 14, session 29).)
@pytest.mark.parametrize(
    ("name", "queries"),
    [("home", 1), ("my_sessions", 5), ("my_sessions_calendar", 5), ("registration", 5), ("profile", 1)],
)
def test_official_page_query_count_does_not_grow(client, portal, name, queries):  # noqa: F811
    _login(client, portal)
    url = reverse(name)
    client.get(url)
    assert _count(client, url) == queries
    _add_sessions(portal["a"], 12)
    # The home's first page after the change reads again the events and sessions (one query, however many), the
    # attendance the rule reads (two) and what it shows of the official (three, as the events changed).
    assert _count(client, url) == queries + 6 * (name == "home")
    assert _count(client, url) == queries


def test_official_facts_cost_three_queries_and_are_only_the_officials_own(portal, django_assert_num_queries):  # noqa: F811
    """What the home reads of the official (initiative/home.py OfficialFacts): the
    registered edition's title in the reader's language, the government's Automapeo, the questionnaires and the
    recognitions of this official or their government: never a colleague's, never a revoked one."""
    from initiative.home import OfficialFacts

    a, b = portal["a"], portal["b"]
    official, initiative = a["official"], a["initiative"]
    a["edition_1"].translations = {"title": {"pt": "Edição 1 a"}}
    a["edition_1"].save()
    QuestionnaireResponse.objects.create(
        official=official, initiative=initiative, kind=QuestionnaireKind.EXIT, knowledge=3
    )
    QuestionnaireResponse.objects.create(
        official=b["official"], initiative=b["initiative"], kind=QuestionnaireKind.ENTRY, knowledge=2
    )  # another's
    automapeo = f.make_automapeo(a["government"], initiative, status="submitted", submitted_at=timezone.now())
    colleague = f.make_official(a["government"])
    f.make_recognition(initiative, official=colleague)  # a colleague's certificate: not this official's
    f.make_recognition(
        initiative, official=official, status="revoked", revoked_at=timezone.now(), revocation_reason="Error"
    )
    with django_assert_num_queries(3) as queries:
        facts = OfficialFacts.of(official, initiative)
    # Lookups of a row or two: the models' default orderings (joins of the initiative, the government) left out.
    assert not [query["sql"] for query in queries.captured_queries if "ORDER BY" in query["sql"]]
    with translation.override("pt-br"):
        assert str(localized(facts.registered_event, "title")) == "Edição 1 a"
    assert facts.registered_event.pk == a["edition_1"].pk
    assert (facts.automapeo, facts.automapeo_submitted) == (automapeo.pk, True)
    assert facts.answered == {QuestionnaireKind.EXIT}
    assert facts.recognized == ""  # before the certification stage, not even read

    Initiative.objects.filter(pk=initiative.pk).update(stage="certification")
    initiative.refresh_from_db()
    with django_assert_num_queries(4):
        assert OfficialFacts.of(official, initiative).recognized == ""  # a colleague's, a revoked one: nothing

    f.make_recognition(initiative, local_government=a["government"])
    assert OfficialFacts.of(official, initiative).recognized == "government"
    f.make_recognition(initiative, official=official)
    assert OfficialFacts.of(official, initiative).recognized == "person"

    other = OfficialFacts.of(b["official"], b["initiative"])  # the other government's official sees none of it
    assert (other.automapeo, other.answered, other.recognized) == (None, {QuestionnaireKind.ENTRY}, "")
    assert other.registered_event.pk == b["edition_1"].pk


def test_home_keeps_what_the_official_did_until_it_changes(client, portal, django_capture_on_commit_callbacks):  # noqa: F811
    """What the home shows of the official (registration, Automapeo, questionnaires, recognitions) and their path
    to the recognition are kept between pages (initiative/home.py, certificates/eligibility.py): the second page
    reads none of their tables, and each change through the portal's services shows on the next page."""
    from alp_portal.generations import written_in_bulk
    from certificates.models import EligibilityOverride
    from certificates.services import start_issuance
    from workshops.services import reopen_automapeo, save_automapeo

    a = _login(client, portal)
    initiative = a["initiative"]

    def home():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        return {t.key: t.done for t, _ in response.context["tasks"]}, 'FROM "workshops_' in sql or 'FROM "certif' in sql

    tasks, read = home()
    assert read and tasks["automapeo"] is False and tasks["entry_questionnaire"] is False
    assert home() == (tasks, False)  # kept: none of their tables read
    save_automapeo(
        official=a["official"], initiative=initiative, user=a["official"].user, revision=0, actions=[], submit=True
    )
    tasks, read = home()
    assert read and tasks["automapeo"] is True
    automapeo = a["official"].local_government.automapeos.get()
    reopen_automapeo(automapeo=automapeo, reason="Falta una acción", by=portal["users"]["regional"])
    assert home()[0]["automapeo"] is False
    QuestionnaireResponse.objects.create(
        official=a["official"], initiative=initiative, kind=QuestionnaireKind.ENTRY, knowledge=2
    )
    assert home()[0]["entry_questionnaire"] is True
    Initiative.objects.filter(pk=initiative.pk).update(stage="launch")
    written_in_bulk(Initiative)
    assert home()[0]["register"] is True
    a["registration"].delete()
    assert home()[0]["register"] is False
    Initiative.objects.filter(pk=initiative.pk).update(stage="certification")
    written_in_bulk(Initiative)
    assert "recognitions" not in home()[0]
    EligibilityOverride.objects.create(
        initiative=initiative,
        official=a["official"],
        eligible=True,
        reason="Asistió",
        decided_by=portal["users"]["regional"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        start_issuance(
            initiative=Initiative.objects.get(pk=initiative.pk),
            by=portal["users"]["regional"],
            official_ids=[a["official"].pk],
        )
    assert "recognitions" in home()[0]  # issued in bulk, announced
