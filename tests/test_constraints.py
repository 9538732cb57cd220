"""The database refuses the rows the models' named constraints forbid, and accepts their good neighbours.

Rows are written with `objects.create`, which runs no validation: what is refused here, the database refused.
A check constraint's name is part of the error on SQLite and PostgreSQL alike, so those tests match it.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from authorities.enums import InvitationStatus
from authorities.models import Invitation, LocalGovernment, Official
from certificates.enums import RecognitionKind, RecognitionStatus
from certificates.models import CODE_ALPHABET, EligibilityOverride, Recognition, new_recognition_code
from initiative.enums import Stage
from initiative.models import GoodPractice, GuidingPrinciple, Initiative, Objective, Resource, StageTransition
from tests.factories import (
    VALID_RECOGNITION,
    attend,
    invite,
    make_event,
    make_government,
    make_initiative,
    make_official,
    make_regional_staff,
    make_session,
)
from workshops.enums import ContributionKind, EventKind, QuestionnaireKind, SubmissionStatus
from workshops.models import (
    AlmiAgendaItem,
    AlmiContribution,
    Attendance,
    Automapeo,
    Event,
    QuestionnaireResponse,
    Registration,
    Session,
)

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)


def refused(constraint=None):
    """The database refuses what runs inside; for a check constraint, `constraint` is the name it gives."""
    return pytest.raises(IntegrityError, match=re.escape(constraint) if constraint else None)


# initiative


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"attendance_threshold_percent": 0}, "initiative_threshold_is_a_percentage"),
        ({"attendance_threshold_percent": 101}, "initiative_threshold_is_a_percentage"),
        ({"min_workshop_sessions": 0}, "initiative_min_sessions_positive"),
        ({"stage": "archived"}, "initiative_stage_valid"),
    ],
)
def test_initiative_refused_when_out_of_range(fields, constraint):
    with refused(constraint), transaction.atomic():
        make_initiative(**fields)

    assert Initiative.objects.count() == 0


@pytest.mark.parametrize("percent", [1, 100])
def test_initiative_accepted_when_threshold_at_the_bounds(percent):
    initiative = make_initiative(attendance_threshold_percent=percent, min_workshop_sessions=1)

    initiative.refresh_from_db()
    assert initiative.attendance_threshold_percent == percent


def test_transition_refused_when_twice_to_the_same_stage():
    initiative = make_initiative()
    user = make_regional_staff()
    StageTransition.objects.create(initiative=initiative, from_stage=Stage.MAPPING, to_stage=Stage.LAUNCH, by=user)

    with refused(), transaction.atomic():
        StageTransition.objects.create(initiative=initiative, from_stage=Stage.MAPPING, to_stage=Stage.LAUNCH, by=user)

    StageTransition.objects.create(initiative=initiative, from_stage=Stage.LAUNCH, to_stage=Stage.WORKSHOP, by=user)
    StageTransition.objects.create(
        initiative=make_initiative(), from_stage=Stage.MAPPING, to_stage=Stage.LAUNCH, by=user
    )
    assert StageTransition.objects.count() == 3


def test_transition_refused_when_stage_does_not_change():
    with refused("transition_changes_stage"), transaction.atomic():
        StageTransition.objects.create(
            initiative=make_initiative(),
            from_stage=Stage.LAUNCH,
            to_stage=Stage.LAUNCH,
            by=make_regional_staff(),
        )

    assert StageTransition.objects.count() == 0


@pytest.mark.parametrize(
    ("overridden", "reason"),
    [
        (["The launch has not ended yet."], ""),
        ([], "The report is lost."),
    ],
    ids=["override-without-reason", "reason-without-override"],
)
def test_transition_refused_when_override_and_reason_disagree(overridden, reason):
    with refused("transition_override_has_reason"), transaction.atomic():
        StageTransition.objects.create(
            initiative=make_initiative(),
            from_stage=Stage.LAUNCH,
            to_stage=Stage.WORKSHOP,
            by=make_regional_staff(),
            overridden=overridden,
            override_reason=reason,
        )

    assert StageTransition.objects.count() == 0


def test_transition_accepted_with_override_and_reason_or_neither():
    user = make_regional_staff()
    StageTransition.objects.create(
        initiative=make_initiative(),
        from_stage=Stage.LAUNCH,
        to_stage=Stage.WORKSHOP,
        by=user,
        overridden=["The launch has not ended yet."],
        override_reason="The report is lost.",
    )
    StageTransition.objects.create(
        initiative=make_initiative(), from_stage=Stage.LAUNCH, to_stage=Stage.WORKSHOP, by=user
    )

    assert list(StageTransition.objects.order_by("pk").values_list("overridden", "override_reason")) == [
        (["The launch has not ended yet."], "The report is lost."),
        ([], ""),
    ]


@pytest.mark.parametrize("number", [0, 24])
def test_objective_refused_when_number_outside_1_to_23(number):
    with refused("objective_number_1_to_23"), transaction.atomic():
        Objective.objects.create(number=number, title_es="X", title_pt="X", title_en="X")

    assert Objective.objects.count() == 23


@pytest.mark.parametrize("number", [0, 11])
def test_principle_refused_when_number_outside_1_to_10(number):
    with refused("principle_number_1_to_10"), transaction.atomic():
        GuidingPrinciple.objects.create(number=number, title_es="X", title_pt="X", title_en="X")

    assert GuidingPrinciple.objects.count() == 10


def test_good_practice_refused_when_title_repeated():
    GoodPractice.objects.create(title="Mesa migrante de Lima", description="Una mesa.")

    with refused(), transaction.atomic():
        GoodPractice.objects.create(title="Mesa migrante de Lima", description="Otra mesa.")

    assert GoodPractice.objects.filter(title="Mesa migrante de Lima").count() == 1


def test_resource_refused_without_file_or_link():
    with refused("resource_has_file_or_link"), transaction.atomic():
        Resource.objects.create(title="Manual")

    assert Resource.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [{"url": "https://example.org/manual.pdf"}, {"file": "resources/manual.pdf"}],
    ids=["link", "file"],
)
def test_resource_accepted_with_file_or_link(fields):
    Resource.objects.create(title="Manual", **fields)

    assert Resource.objects.count() == 1


# authorities


def test_local_government_refused_when_name_repeated_in_country_and_region():
    make_government("AR", "San Martín", region="Mendoza")

    with refused(), transaction.atomic():
        make_government("AR", "San Martín", region="Mendoza")

    make_government("AR", "San Martín", region="Buenos Aires")
    make_government("PE", "San Martín", region="Mendoza")
    assert LocalGovernment.objects.filter(name="San Martín").count() == 3


@pytest.mark.parametrize(
    ("latitude", "longitude", "constraint"),
    [
        (91, 0, "local_government_latitude_range"),
        (-91, 0, "local_government_latitude_range"),
        (0, 181, "local_government_longitude_range"),
        (0, -181, "local_government_longitude_range"),
        (-34.6, None, "local_government_coordinates_together"),
        (None, -58.4, "local_government_coordinates_together"),
    ],
)
def test_local_government_refused_when_coordinates_invalid(latitude, longitude, constraint):
    with refused(constraint), transaction.atomic():
        make_government(latitude=latitude, longitude=longitude)

    assert LocalGovernment.objects.count() == 0


@pytest.mark.parametrize(("latitude", "longitude"), [(90, 180), (-90, -180), (None, None)])
def test_local_government_accepted_when_coordinates_valid(latitude, longitude):
    make_government(latitude=latitude, longitude=longitude)

    assert LocalGovernment.objects.count() == 1


def test_official_refused_when_email_repeated_in_another_case():
    make_official(email="Ana@X.org")

    with refused("official_email_unique_ci"), transaction.atomic():
        make_official(email="ana@x.org")

    assert list(Official.objects.values_list("email", flat=True)) == ["Ana@X.org"]


def test_invitation_refused_when_twice_to_the_same_initiative():
    official = make_official()
    initiative = make_initiative()
    invite(official, initiative)

    with refused(), transaction.atomic():
        invite(official, initiative)

    invite(official, make_initiative())
    assert Invitation.objects.filter(official=official).count() == 2


@pytest.mark.parametrize("status", [InvitationStatus.SENT, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED])
def test_invitation_refused_when_sent_without_sent_at(status):
    with refused("invitation_sent_has_date"), transaction.atomic():
        Invitation.objects.create(
            official=make_official(),
            initiative=make_initiative(),
            status=status,
            accepted_at=timezone.now(),
        )

    assert Invitation.objects.count() == 0


def test_invitation_refused_when_accepted_without_accepted_at():
    with refused("invitation_accepted_has_date"), transaction.atomic():
        Invitation.objects.create(
            official=make_official(),
            initiative=make_initiative(),
            status=InvitationStatus.ACCEPTED,
            sent_at=timezone.now(),
        )

    assert Invitation.objects.count() == 0


def test_invitation_accepted_when_pending_without_dates():
    invitation = Invitation.objects.create(official=make_official(), initiative=make_initiative())

    invitation.refresh_from_db()
    assert (invitation.status, invitation.sent_at, invitation.accepted_at) == (
        InvitationStatus.PENDING,
        None,
        None,
    )


# workshops


def test_event_refused_when_second_launch_of_an_initiative():
    initiative = make_initiative()
    make_event(initiative, EventKind.LAUNCH)

    with refused(), transaction.atomic():
        make_event(initiative, EventKind.LAUNCH)

    make_event(initiative, EventKind.OTHER)
    make_event(initiative, EventKind.OTHER)
    make_event(make_initiative(), EventKind.LAUNCH)
    assert Event.objects.filter(kind=EventKind.LAUNCH).count() == 2


def test_event_refused_when_workshop_edition_repeated():
    initiative = make_initiative()
    make_event(initiative, EventKind.WORKSHOP, edition=1)

    with refused(), transaction.atomic():
        make_event(initiative, EventKind.WORKSHOP, edition=1)

    make_event(initiative, EventKind.WORKSHOP, edition=2)
    make_event(make_initiative(), EventKind.WORKSHOP, edition=1)
    assert Event.objects.filter(kind=EventKind.WORKSHOP).count() == 3


def test_event_refused_when_workshop_without_edition():
    with refused("event_workshop_has_edition"), transaction.atomic():
        Event.objects.create(initiative=make_initiative(), kind=EventKind.WORKSHOP, title="Taller")

    assert Event.objects.count() == 0


def test_event_refused_when_kind_unknown():
    with refused("event_kind_valid"), transaction.atomic():
        Event.objects.create(initiative=make_initiative(), kind="webinar", title="Webinar")

    assert Event.objects.count() == 0


@pytest.mark.parametrize("minutes", [-30, 0], ids=["before", "at"])
def test_session_refused_when_ending_before_or_at_its_start(minutes):
    event = make_event(make_initiative())

    with refused("session_ends_after_start"), transaction.atomic():
        make_session(event, minutes=minutes)

    make_session(event, minutes=1)
    assert Session.objects.count() == 1


def test_registration_refused_when_second_edition_of_the_same_initiative():
    official = make_official()
    initiative = make_initiative()
    first = make_event(initiative, EventKind.WORKSHOP, edition=1)
    second = make_event(initiative, EventKind.WORKSHOP, edition=2)
    Registration.objects.create(official=official, event=first, initiative=initiative)

    with refused(), transaction.atomic():
        Registration.objects.create(official=official, event=second, initiative=initiative)

    other = make_initiative()
    Registration.objects.create(
        official=official, event=make_event(other, EventKind.WORKSHOP, edition=1), initiative=other
    )
    Registration.objects.create(official=make_official(), event=second, initiative=initiative)
    assert Registration.objects.count() == 3


def test_registration_refused_when_initiative_is_not_the_event_s():
    # Registration.save() copies the event's initiative, so the constraint sees the real one.
    official = make_official()
    initiative = make_initiative()
    first = make_event(initiative, EventKind.WORKSHOP, edition=1)
    second = make_event(initiative, EventKind.WORKSHOP, edition=2)
    Registration.objects.create(official=official, event=first, initiative=initiative)

    with refused(), transaction.atomic():
        Registration.objects.create(official=official, event=second, initiative=make_initiative())


def test_attendance_refused_when_twice_for_the_same_session():
    official = make_official()
    session = make_session(make_event(make_initiative()))
    attend(official, session)

    with refused(), transaction.atomic():
        attend(official, session)

    attend(make_official(), session)
    attend(official, make_session(session.event))
    assert Attendance.objects.count() == 3


def test_attendance_refused_when_status_unknown():
    with refused("attendance_status_valid"), transaction.atomic():
        attend(make_official(), make_session(make_event(make_initiative())), status="late")

    assert Attendance.objects.count() == 0


def test_automapeo_refused_when_twice_for_the_same_government_and_initiative():
    government = make_government()
    initiative = make_initiative()
    Automapeo.objects.create(local_government=government, initiative=initiative)

    with refused(), transaction.atomic():
        Automapeo.objects.create(local_government=government, initiative=initiative)

    Automapeo.objects.create(local_government=government, initiative=make_initiative())
    Automapeo.objects.create(local_government=make_government(), initiative=initiative)
    assert Automapeo.objects.count() == 3


def test_automapeo_refused_when_submitted_without_date():
    with refused("automapeo_submitted_has_date"), transaction.atomic():
        Automapeo.objects.create(
            local_government=make_government(),
            initiative=make_initiative(),
            status=SubmissionStatus.SUBMITTED,
        )

    Automapeo.objects.create(
        local_government=make_government(),
        initiative=make_initiative(),
        status=SubmissionStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    assert Automapeo.objects.count() == 1


def test_almi_contribution_refused_when_kind_unknown():
    with refused("almi_contribution_kind_valid"), transaction.atomic():
        AlmiContribution.objects.create(
            initiative=make_initiative(), local_government=make_government(), kind="wish", text="Más datos."
        )

    assert AlmiContribution.objects.count() == 0


def test_almi_item_refused_when_title_repeated_in_the_initiative():
    initiative = make_initiative()
    AlmiAgendaItem.objects.create(initiative=initiative, title="Acceso a la salud", kind=ContributionKind.CHALLENGE)

    with refused(), transaction.atomic():
        AlmiAgendaItem.objects.create(initiative=initiative, title="Acceso a la salud", kind=ContributionKind.ACTION)

    AlmiAgendaItem.objects.create(
        initiative=make_initiative(), title="Acceso a la salud", kind=ContributionKind.CHALLENGE
    )
    assert AlmiAgendaItem.objects.count() == 2


def questionnaire(kind=QuestionnaireKind.EXIT, *, official=None, initiative=None, knowledge=3, satisfaction=None):
    return QuestionnaireResponse.objects.create(
        official=official or make_official(),
        initiative=initiative or make_initiative(),
        kind=kind,
        knowledge=knowledge,
        satisfaction=satisfaction,
    )


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"knowledge": 0}, "questionnaire_knowledge_1_to_5"),
        ({"knowledge": 6}, "questionnaire_knowledge_1_to_5"),
        ({"satisfaction": 0}, "questionnaire_satisfaction_1_to_5"),
        ({"satisfaction": 6}, "questionnaire_satisfaction_1_to_5"),
        ({"kind": QuestionnaireKind.ENTRY, "satisfaction": 4}, "questionnaire_satisfaction_on_exit_only"),
        ({"kind": "midway"}, "questionnaire_kind_valid"),
    ],
)
def test_questionnaire_refused_when_answers_invalid(fields, constraint):
    with refused(constraint), transaction.atomic():
        questionnaire(**fields)

    assert QuestionnaireResponse.objects.count() == 0


def test_questionnaire_refused_when_second_entry_questionnaire():
    official = make_official()
    initiative = make_initiative()
    questionnaire(QuestionnaireKind.ENTRY, official=official, initiative=initiative, knowledge=1)

    with refused(), transaction.atomic():
        questionnaire(QuestionnaireKind.ENTRY, official=official, initiative=initiative, knowledge=2)

    questionnaire(QuestionnaireKind.EXIT, official=official, initiative=initiative, knowledge=5, satisfaction=5)
    questionnaire(QuestionnaireKind.ENTRY, official=official, knowledge=1)
    assert QuestionnaireResponse.objects.filter(official=official).count() == 3


# certificates


def recognize(initiative, kind=RecognitionKind.PERSON, *, official=None, local_government=None, **fields):
    defaults = {
        "holder_name": "Ana Pérez",
        "issued_at": timezone.now(),
        "issued_by": fields.pop("issued_by", None) or make_regional_staff(),
        **VALID_RECOGNITION,
    }
    defaults.update(fields)
    return Recognition.objects.create(
        initiative=initiative, kind=kind, official=official, local_government=local_government, **defaults
    )


def test_recognition_refused_when_second_for_the_same_person():
    official = make_official()
    initiative = make_initiative()
    recognize(initiative, official=official)

    with refused(), transaction.atomic():
        recognize(initiative, official=official)

    recognize(make_initiative(), official=official)
    recognize(initiative, official=make_official())
    assert Recognition.objects.count() == 3


def test_recognition_refused_when_second_for_the_same_government():
    government = make_government()
    initiative = make_initiative()
    recognize(initiative, RecognitionKind.GOVERNMENT, local_government=government)

    with refused(), transaction.atomic():
        recognize(initiative, RecognitionKind.GOVERNMENT, local_government=government)

    recognize(make_initiative(), RecognitionKind.GOVERNMENT, local_government=government)
    recognize(initiative, RecognitionKind.GOVERNMENT, local_government=make_government())
    assert Recognition.objects.count() == 3


@pytest.mark.parametrize(
    ("kind", "holders"),
    [
        (RecognitionKind.PERSON, ("official", "local_government")),
        (RecognitionKind.PERSON, ("local_government",)),
        (RecognitionKind.PERSON, ()),
        (RecognitionKind.GOVERNMENT, ("official", "local_government")),
        (RecognitionKind.GOVERNMENT, ("official",)),
        (RecognitionKind.GOVERNMENT, ()),
        ("medal", ("official",)),
    ],
)
def test_recognition_refused_when_holder_does_not_match_kind(kind, holders):
    official = make_official()
    given = {"official": official, "local_government": official.local_government}

    with refused("recognition_holder_matches_kind"), transaction.atomic():
        recognize(make_initiative(), kind, **{name: given[name] for name in holders})

    assert Recognition.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"status": RecognitionStatus.REVOKED, "revoked_at": WHEN, "revocation_reason": ""},
        {"status": RecognitionStatus.REVOKED, "revoked_at": None, "revocation_reason": "Wrong name."},
        {"status": RecognitionStatus.REVOKED, "revoked_at": None, "revocation_reason": ""},
        {"status": RecognitionStatus.ISSUED, "revoked_at": WHEN, "revocation_reason": ""},
        {"status": "lost", "revoked_at": None, "revocation_reason": ""},
    ],
    ids=[
        "revoked-without-reason",
        "revoked-without-date",
        "revoked-without-both",
        "issued-with-date",
        "unknown",
    ],
)
def test_recognition_refused_when_revocation_incomplete(fields):
    with refused("recognition_revocation_complete"), transaction.atomic():
        recognize(make_initiative(), official=make_official(), **fields)

    assert Recognition.objects.count() == 0


@pytest.mark.parametrize(
    "fields", [{"pdf": ""}, {"pdf_sha256": ""}, {"pdf": "", "pdf_sha256": ""}], ids=["no-pdf", "no-digest", "neither"]
)
def test_recognition_refused_when_valid_without_its_pdf(fields):
    with refused("recognition_valid_has_pdf"), transaction.atomic():
        recognize(make_initiative(), official=make_official(), **fields)

    assert Recognition.objects.count() == 0


def test_recognition_pending_needs_no_pdf_but_holds_the_holders_place():
    official, initiative = make_official(), make_initiative()
    pending = recognize(initiative, official=official, status=RecognitionStatus.PENDING, pdf="", pdf_sha256="")

    with refused(), transaction.atomic():
        recognize(initiative, official=official)  # a valid one beside it: the database allows one per holder
    with refused(), transaction.atomic():
        recognize(initiative, official=official, status=RecognitionStatus.PENDING, pdf="", pdf_sha256="")

    assert list(Recognition.objects.values_list("pk", "status")) == [(pending.pk, RecognitionStatus.PENDING)]


def test_recognition_accepted_when_revocation_complete():
    recognize(
        make_initiative(),
        official=make_official(),
        status=RecognitionStatus.REVOKED,
        revoked_at=timezone.now() - timedelta(days=1),
        revocation_reason="Issued to the wrong person.",
    )

    assert Recognition.objects.filter(status=RecognitionStatus.REVOKED).count() == 1


def test_recognition_code_readable_and_distinct():
    letter = f"[{re.escape(CODE_ALPHABET)}]"
    pattern = re.compile(f"{letter}{{4}}-{letter}{{4}}-{letter}{{4}}")

    codes = [new_recognition_code() for _ in range(1000)]

    assert [code for code in codes if not pattern.fullmatch(code)] == []
    assert len(set(codes)) == 1000
    assert pattern.fullmatch(recognize(make_initiative(), official=make_official()).code)


def test_recognition_refused_when_code_repeated():
    first = recognize(make_initiative(), official=make_official())

    with refused(), transaction.atomic():
        Recognition.objects.filter(pk=recognize(make_initiative(), official=make_official()).pk).update(code=first.code)

    assert Recognition.objects.filter(code=first.code).count() == 1


def test_eligibility_override_refused_when_twice_for_the_same_official():
    official = make_official()
    initiative = make_initiative()
    user = make_regional_staff()
    EligibilityOverride.objects.create(
        initiative=initiative, official=official, eligible=True, reason="Attended in person.", decided_by=user
    )

    with refused(), transaction.atomic():
        EligibilityOverride.objects.create(
            initiative=initiative,
            official=official,
            eligible=False,
            reason="Changed my mind.",
            decided_by=user,
        )

    EligibilityOverride.objects.create(
        initiative=make_initiative(),
        official=official,
        eligible=True,
        reason="Attended in person.",
        decided_by=user,
    )
    assert EligibilityOverride.objects.filter(official=official).count() == 2


def test_eligibility_override_refused_without_reason():
    with refused("eligibility_override_has_reason"), transaction.atomic():
        EligibilityOverride.objects.create(
            initiative=make_initiative(),
            official=make_official(),
            eligible=True,
            decided_by=make_regional_staff(),
        )

    assert EligibilityOverride.objects.count() == 0


def test_recognition_reissued_after_revocation():
    official, initiative, staff = make_official(), make_initiative(), make_regional_staff()
    fields = {
        "initiative": initiative,
        "kind": RecognitionKind.PERSON,
        "official": official,
        "holder_name": "Ana",
        "issued_at": timezone.now(),
        "issued_by": staff,
    }
    first = Recognition.objects.create(**fields)
    first.status, first.revoked_at, first.revocation_reason = (
        RecognitionStatus.REVOKED,
        timezone.now(),
        "Nombre mal escrito.",
    )
    first.save()
    Recognition.objects.create(**fields)
    with refused(), transaction.atomic():
        Recognition.objects.create(**fields)
    assert Recognition.objects.filter(official=official).count() == 2


def test_local_government_name_unique_ignoring_case():
    make_government("AR", name="Rosario", region="Santa Fe")
    with refused(), transaction.atomic():
        make_government("AR", name="rosario", region="Santa Fe")
    assert LocalGovernment.objects.filter(country="AR").count() == 1
