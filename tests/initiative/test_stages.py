"""The stage runner: each move's guard, who may move, and the admin's advance view."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from authorities.enums import InvitationStatus
from certificates.enums import RecognitionStatus
from initiative.enums import Stage
from initiative.models import Initiative, StageTransition
from initiative.stages import StageError, advance_stage, missing_for
from tests.factories import (
    attend,
    invite,
    make_country_staff,
    make_event,
    make_initiative,
    make_official,
    make_official_user,
    make_recognition,
    make_regional_staff,
    make_session,
    make_user,
)
from workshops.enums import EventKind
from workshops.models import Session

pytestmark = pytest.mark.django_db

NO_LAUNCH = "No launch event with a session is scheduled: add the launch event and its session."
NO_INVITATION = "No invitation has been sent: send the invitations to the mapped officials."
LAUNCH_NOT_ENDED = "The launch has not ended yet: it ends on {}."
NO_LAUNCH_ATTENDANCE = "No attendance is recorded for the launch: record or import it first."
NO_EDITION = "No workshop edition with a session is scheduled: add at least one edition."
NO_WORKSHOP_SESSION = "No workshop session is scheduled."
NO_RECOGNITION = "No recognition has been issued: issue the recognitions first."
ONLY_REGIONAL = "Only regional staff can move an initiative to another stage."
HOW_TO_OVERRIDE = (
    "To move on anyway, give the reason under “Why move on although something is still missing?”: it is "
    "recorded in the stage log with what was missing."
)

# Far enough ahead to stay in the future: 9 a.m. in Buenos Aires. A session starting then lasts two hours.
FUTURE = datetime(2099, 3, 1, 12, 0, tzinfo=UTC)
FUTURE_TEXT = "March 1, 2099, 9 a.m."
FUTURE_END_TEXT = "March 1, 2099, 11 a.m."


@pytest.fixture(autouse=True)
def _english_in_buenos_aires():
    # The messages are asserted in English and their dates in a fixed zone, whatever the settings say.
    with translation.override("en"), timezone.override(ZoneInfo("America/Argentina/Buenos_Aires")):
        yield


@pytest.fixture
def staff():
    return make_regional_staff()


def refuse(initiative, to, by, messages):
    """The move raises StageError with exactly `messages`, and changes nothing."""
    stage = Initiative.objects.get(pk=initiative.pk).stage
    transitions = StageTransition.objects.count()

    with pytest.raises(StageError) as error:
        advance_stage(initiative=initiative, to=to, by=by, note="Let's go.")

    assert error.value.messages == messages
    assert Initiative.objects.get(pk=initiative.pk).stage == stage
    assert StageTransition.objects.count() == transitions


def allow(initiative, to, by):
    """The move happens: one StageTransition row with from, to, by and the trimmed note; the stage changes."""
    from_stage = Initiative.objects.get(pk=initiative.pk).stage
    assert missing_for(initiative, to) == []

    transition = advance_stage(initiative=initiative, to=to, by=by, note="  Everything is ready.  ")

    assert initiative.stage == to
    assert Initiative.objects.get(pk=initiative.pk).stage == to
    assert list(
        StageTransition.objects.filter(initiative=initiative).values_list("pk", "from_stage", "to_stage", "by", "note")
    ) == [(transition.pk, from_stage, to, by.pk, "Everything is ready.")]


def schedule_launch(initiative, *, starts_at=None):
    return make_session(make_event(initiative, EventKind.LAUNCH, title="Lanzamiento"), starts_at=starts_at)


def schedule_workshop(initiative, *, edition=1, starts_at=None, title="Día 1"):
    event = make_event(initiative, EventKind.WORKSHOP, edition=edition, title=f"Taller {edition}")
    return make_session(event, starts_at=starts_at, title=title)


def recognize(initiative, official, **fields):
    return make_recognition(initiative, official=official, **fields)


# mapping → launch


def test_advance_to_launch_refused_when_nothing_is_ready(staff):
    initiative = make_initiative()

    refuse(initiative, Stage.LAUNCH, staff, [NO_LAUNCH, NO_INVITATION])

    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)
    allow(initiative, Stage.LAUNCH, staff)


def test_advance_to_launch_refused_when_launch_has_no_session(staff):
    initiative = make_initiative()
    launch = make_event(initiative, EventKind.LAUNCH)
    make_session(make_event(initiative, EventKind.OTHER))
    invite(make_official(), initiative)

    refuse(initiative, Stage.LAUNCH, staff, [NO_LAUNCH])

    make_session(launch, starts_at=FUTURE)
    allow(initiative, Stage.LAUNCH, staff)


def test_advance_to_launch_refused_when_invitation_only_pending(staff):
    initiative = make_initiative()
    schedule_launch(initiative, starts_at=FUTURE)
    invitation = invite(make_official(), initiative, status=InvitationStatus.PENDING)
    invite(make_official(), make_initiative())  # sent, but for another initiative

    refuse(initiative, Stage.LAUNCH, staff, [NO_INVITATION])

    invitation.status = InvitationStatus.SENT
    invitation.sent_at = timezone.now()
    invitation.save()
    allow(initiative, Stage.LAUNCH, staff)


# launch → workshop


def test_advance_to_workshop_refused_when_nothing_is_ready(staff):
    initiative = make_initiative(stage=Stage.LAUNCH)
    launch = schedule_launch(initiative, starts_at=FUTURE)

    refuse(
        initiative,
        Stage.WORKSHOP,
        staff,
        [LAUNCH_NOT_ENDED.format(FUTURE_END_TEXT), NO_LAUNCH_ATTENDANCE, NO_EDITION],
    )

    Session.objects.filter(pk=launch.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    attend(make_official(), launch)
    schedule_workshop(initiative, starts_at=FUTURE)
    allow(initiative, Stage.WORKSHOP, staff)


def test_advance_to_workshop_refused_when_launch_not_ended(staff):
    initiative = make_initiative(stage=Stage.LAUNCH)
    launch = schedule_launch(initiative, starts_at=timezone.now() - timedelta(minutes=30))  # on air
    Session.objects.filter(pk=launch.pk).update(ends_at=datetime(2099, 1, 2, 18, 30, tzinfo=UTC))  # a long one
    attend(make_official(), launch)
    schedule_workshop(initiative, starts_at=FUTURE)

    refuse(initiative, Stage.WORKSHOP, staff, [LAUNCH_NOT_ENDED.format("Jan. 2, 2099, 3:30 p.m.")])

    Session.objects.filter(pk=launch.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    allow(initiative, Stage.WORKSHOP, staff)


def test_advance_to_workshop_refused_when_launch_has_no_attendance(staff):
    initiative = make_initiative(stage=Stage.LAUNCH)
    launch = schedule_launch(initiative)
    schedule_workshop(initiative, starts_at=FUTURE)
    attend(make_official(), schedule_launch(make_initiative()))  # another initiative's launch

    refuse(initiative, Stage.WORKSHOP, staff, [NO_LAUNCH_ATTENDANCE])

    attend(make_official(), launch)
    allow(initiative, Stage.WORKSHOP, staff)


def test_advance_to_workshop_refused_when_no_edition_has_a_session(staff):
    initiative = make_initiative(stage=Stage.LAUNCH)
    attend(make_official(), schedule_launch(initiative))
    edition = make_event(initiative, EventKind.WORKSHOP, edition=1)

    refuse(initiative, Stage.WORKSHOP, staff, [NO_EDITION])

    make_session(edition, starts_at=FUTURE)
    allow(initiative, Stage.WORKSHOP, staff)


# workshop → certification


def test_advance_to_certification_refused_when_no_workshop_session(staff):
    initiative = make_initiative(stage=Stage.WORKSHOP)
    attend(make_official(), schedule_launch(initiative))
    edition = make_event(initiative, EventKind.WORKSHOP, edition=1)

    refuse(initiative, Stage.CERTIFICATION, staff, [NO_WORKSHOP_SESSION])

    attend(make_official(), make_session(edition))
    allow(initiative, Stage.CERTIFICATION, staff)


def test_advance_to_certification_refused_when_a_session_is_still_ahead(staff):
    initiative = make_initiative(stage=Stage.WORKSHOP)
    official = make_official()
    attend(official, schedule_workshop(initiative, edition=1))
    ahead = schedule_workshop(initiative, edition=2, starts_at=FUTURE, title="Día 2")
    attend(official, ahead)  # recorded ahead of time: only the date stops the move

    refuse(
        initiative,
        Stage.CERTIFICATION,
        staff,
        [f"The last workshop session ends on {FUTURE_END_TEXT}: wait until it has ended."],
    )

    Session.objects.filter(pk=ahead.pk).update(
        starts_at=timezone.now() - timedelta(days=1, hours=2), ends_at=timezone.now() - timedelta(days=1)
    )
    allow(initiative, Stage.CERTIFICATION, staff)


def test_advance_to_certification_refused_when_a_future_session_has_no_attendance(staff):
    initiative = make_initiative(stage=Stage.WORKSHOP)
    schedule_workshop(initiative, edition=1, starts_at=FUTURE, title="Día 1")

    refuse(
        initiative,
        Stage.CERTIFICATION,
        staff,
        [
            f"The last workshop session ends on {FUTURE_END_TEXT}: wait until it has ended.",
            "No attendance is recorded for the session “Taller 1 · Día 1”.",
        ],
    )


def test_advance_to_certification_refused_when_a_session_has_no_attendance(staff):
    initiative = make_initiative(stage=Stage.WORKSHOP)
    official = make_official()
    attend(official, schedule_workshop(initiative, edition=1, title="Día 1"))
    second = schedule_workshop(initiative, edition=2, title="Día 1")
    third = make_session(second.event, title="Día 2")
    attend(official, third)

    refuse(
        initiative,
        Stage.CERTIFICATION,
        staff,
        ["No attendance is recorded for the session “Taller 2 · Día 1”."],
    )

    attend(make_official(), second)
    allow(initiative, Stage.CERTIFICATION, staff)


def test_advance_to_certification_refused_while_submissions_open(staff):
    initiative = make_initiative(stage=Stage.WORKSHOP, submissions_close_at=FUTURE)
    attend(make_official(), schedule_workshop(initiative))

    refuse(
        initiative,
        Stage.CERTIFICATION,
        staff,
        [f"The Automapeo and ALMI forms are open until {FUTURE_TEXT}: wait, or bring the closing date forward."],
    )

    Initiative.objects.filter(pk=initiative.pk).update(submissions_close_at=timezone.now() - timedelta(minutes=1))
    initiative.refresh_from_db()
    allow(initiative, Stage.CERTIFICATION, staff)


# certification → dissemination


def test_advance_to_dissemination_refused_without_recognition(staff):
    initiative = make_initiative(stage=Stage.CERTIFICATION)
    recognize(make_initiative(), make_official())  # another initiative's

    refuse(initiative, Stage.DISSEMINATION, staff, [NO_RECOGNITION])

    recognize(initiative, make_official())
    allow(initiative, Stage.DISSEMINATION, staff)


def test_advance_to_dissemination_refused_when_only_recognition_revoked(staff):
    initiative = make_initiative(stage=Stage.CERTIFICATION)
    official = make_official()
    recognize(
        initiative,
        official,
        status=RecognitionStatus.REVOKED,
        revoked_at=timezone.now(),
        revocation_reason="Issued to the wrong person.",
    )

    refuse(initiative, Stage.DISSEMINATION, staff, [NO_RECOGNITION])

    government = make_official().local_government
    make_recognition(initiative, local_government=government, issued_by=staff)
    allow(initiative, Stage.DISSEMINATION, staff)


# the order of the stages and who may move


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (Stage.MAPPING, Stage.WORKSHOP),
        (Stage.MAPPING, Stage.DISSEMINATION),
        (Stage.MAPPING, Stage.MAPPING),
        (Stage.LAUNCH, Stage.CERTIFICATION),
        (Stage.LAUNCH, Stage.MAPPING),
        (Stage.CERTIFICATION, Stage.WORKSHOP),
    ],
)
def test_advance_refused_when_not_the_next_stage(staff, current, to):
    initiative = make_initiative(name="ALP Andes", stage=current)

    refuse(
        initiative,
        to,
        staff,
        [f"“ALP Andes” is in the stage “{current.label}”: it can only move to “{current.next().label}”."],
    )


def test_advance_refused_when_skipping_even_if_ready(staff):
    initiative = make_initiative(name="ALP Andes")
    attend(make_official(), schedule_launch(initiative))
    schedule_workshop(initiative)
    invite(make_official(), initiative)
    assert missing_for(initiative, Stage.WORKSHOP) == []

    refuse(
        initiative,
        Stage.WORKSHOP,
        staff,
        ["“ALP Andes” is in the stage “Mapping and invitations”: it can only move to “Launch”."],
    )


@pytest.mark.parametrize("to", list(Stage))
def test_advance_refused_from_the_last_stage(staff, to):
    initiative = make_initiative(name="ALP Andes", stage=Stage.DISSEMINATION)

    refuse(initiative, to, staff, ["“ALP Andes” is in its last stage already."])


@pytest.mark.parametrize(
    "make_mover",
    [
        lambda: make_country_staff("AR"),
        lambda: make_official_user().user,
        lambda: make_user(is_staff=True),
        lambda: make_user(),
    ],
    ids=["country-office", "official", "staff-without-role", "plain-user"],
)
def test_advance_refused_when_not_regional_staff(make_mover):
    initiative = make_initiative()
    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)

    refuse(initiative, Stage.LAUNCH, make_mover(), [ONLY_REGIONAL])


def test_advance_refused_when_regional_staff_inactive():
    initiative = make_initiative()
    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)
    staff = make_regional_staff()
    staff.is_active = False
    staff.save()

    refuse(initiative, Stage.LAUNCH, staff, [ONLY_REGIONAL])


def test_advance_allowed_for_superuser():
    initiative = make_initiative()
    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)

    allow(initiative, Stage.LAUNCH, make_user(is_staff=True, is_superuser=True))


def test_advance_refused_when_moving_twice_to_the_same_stage(staff):
    initiative = make_initiative(name="ALP Andes")
    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)
    stale = Initiative.objects.get(pk=initiative.pk)
    allow(initiative, Stage.LAUNCH, staff)
    message = ["“ALP Andes” is in the stage “Launch”: it can only move to “Workshop”."]

    refuse(initiative, Stage.LAUNCH, staff, message)
    refuse(stale, Stage.LAUNCH, staff, message)  # a copy read before the first move

    assert StageTransition.objects.filter(initiative=initiative).count() == 1


# the admin's advance view


def change_url(initiative):
    return reverse("admin:initiative_initiative_change", args=[initiative.pk])


def advance_url(initiative):
    return reverse("admin:initiative_initiative_advance", args=[initiative.pk])


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_admin_change_page_shows_missing_facts(staff_client):
    initiative = make_initiative(name="ALP Andes")

    response = staff_client.get(change_url(initiative))

    assert response.status_code == 200
    assert [row["missing"] for row in response.context["stage_overview"]] == [
        [],
        [NO_LAUNCH, NO_INVITATION],
        [],
        [],
        [],
    ]
    content = response.content.decode()
    assert NO_LAUNCH in content
    assert NO_INVITATION in content


def test_admin_advance_refused_when_guard_fails(staff_client):
    initiative = make_initiative(name="ALP Andes")

    response = staff_client.post(advance_url(initiative), {"to": Stage.LAUNCH, "note": "Let's go."})

    assert (response.status_code, response["Location"]) == (302, change_url(initiative))
    followed = staff_client.get(response["Location"])
    assert messages_of(followed) == [NO_LAUNCH, NO_INVITATION, HOW_TO_OVERRIDE]
    initiative.refresh_from_db()
    assert initiative.stage == Stage.MAPPING
    assert StageTransition.objects.count() == 0


def test_admin_advance_refused_when_stage_missing(staff_client):
    initiative = make_initiative()

    response = staff_client.post(advance_url(initiative), {"note": "Let's go."}, follow=True)

    assert response.redirect_chain == [(change_url(initiative), 302)]
    assert messages_of(response) == ["Choose a stage to move to."]
    initiative.refresh_from_db()
    assert initiative.stage == Stage.MAPPING


def test_admin_advance_moves_when_ready(staff_client, staff):
    initiative = make_initiative(name="ALP Andes")
    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)

    response = staff_client.post(
        advance_url(initiative), {"to": Stage.LAUNCH, "note": "Invitations are out."}, follow=True
    )

    assert response.redirect_chain == [(change_url(initiative), 302)]
    assert messages_of(response) == ["“ALP Andes” moved to the stage “Launch”."]
    initiative.refresh_from_db()
    assert initiative.stage == Stage.LAUNCH
    assert list(StageTransition.objects.values_list("initiative", "from_stage", "to_stage", "by", "note")) == [
        (initiative.pk, Stage.MAPPING, Stage.LAUNCH, staff.pk, "Invitations are out.")
    ]


def test_admin_advance_forbidden_for_country_office(client):
    initiative = make_initiative()
    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)
    client.force_login(make_country_staff("AR"))

    response = client.post(advance_url(initiative), {"to": Stage.LAUNCH, "note": "Let's go."})

    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.stage == Stage.MAPPING
    assert StageTransition.objects.count() == 0


def test_admin_advance_refuses_get(staff_client):
    initiative = make_initiative()
    schedule_launch(initiative, starts_at=FUTURE)
    invite(make_official(), initiative)

    response = staff_client.get(advance_url(initiative))

    assert response.status_code == 405
    initiative.refresh_from_db()
    assert initiative.stage == Stage.MAPPING
