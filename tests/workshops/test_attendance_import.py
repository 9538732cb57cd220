"""Matching report rows to officials, and confirming an import (workshops.attendance): the facts it stores."""

from datetime import datetime, timedelta

import pytest
from django.db.models import QuerySet

from certificates.eligibility import seconds_count
from tests import factories as f
from tests.workshops.reportfiles import at, meet_report, teams_report, zoom_report
from workshops.attendance import AttendanceError, confirm_attendance_import, upload_attendance_report
from workshops.enums import AttendanceStatus, EventKind, ImportStatus
from workshops.matching import match_note
from workshops.models import Attendance, AttendanceImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def launch():
    """A two-hour launch session (threshold 75%: 90 minutes) and two invited officials."""
    regional = f.make_regional_staff()
    initiative = f.make_initiative(attendance_threshold_percent=75)
    event = f.make_event(initiative, EventKind.LAUNCH)
    session = f.make_session(event, starts_at=datetime(2023, 10, 18, 13, 0, tzinfo=datetime.now().astimezone().tzinfo))
    maria = f.make_official(
        f.make_government("PE", name="Lima"),
        first_name="María José",
        last_name="Pérez Gutiérrez",
        email="mjperez@lima.gob.pe",
    )
    joao = f.make_official(
        f.make_government("BR", name="Recife"),
        first_name="João",
        last_name="da Silva Gonçalves",
        email="joao.goncalves@recife.pe.gov.br",
    )
    for official in (maria, joao):
        f.invite(official, initiative)
    return {"regional": regional, "initiative": initiative, "session": session, "maria": maria, "joao": joao}


def upload(w, data, name="participants.csv"):
    return upload_attendance_report(session=w["session"], file_name=name, data=data, by=w["regional"])


def confirm(w, attendance_import, decisions=None):
    return confirm_attendance_import(attendance_import=attendance_import, decisions=decisions or {}, by=w["regional"])


def rows_by_name(attendance_import):
    return {row["name"]: row for row in attendance_import.rows}


COUNTS, TOO_SHORT = "counts", "too short"


def verdict(attendance):
    """What the stored fact is worth under the rule: certificates.eligibility decides, not the import."""
    return COUNTS if seconds_count(attendance.seconds, attendance.session) else TOO_SHORT


def verdicts():
    """{official pk: verdict} for every stored attendance."""
    rows = Attendance.objects.select_related("session__event__initiative")
    return {attendance.official_id: verdict(attendance) for attendance in rows}


def test_upload_matches_by_email_before_name(launch):
    imp = upload(launch, zoom_report([("Majo (celular)", "MJPerez@Lima.gob.pe", at(0), at(100), False)]))
    [row] = imp.rows
    assert (row["match"], row["method"], row["official"]) == ("matched", "email", launch["maria"].pk)


@pytest.mark.parametrize(
    ("written", "who"),
    [
        ("Maria Jose Perez", "maria"),
        ("María Pérez", "maria"),
        ("PEREZ GUTIERREZ, MARIA JOSE", "maria"),
        ("maría josé pérez-gutiérrez", "maria"),
        ("Majo (María José Pérez Gutiérrez)", "maria"),
        ("Joao Goncalves", "joao"),
        ("João Silva Gonçalves", "joao"),
        ("JOAO DA SILVA GONCALVES", "joao"),
        ("João S. Gonçalves", "joao"),
    ],
)
def test_upload_matches_names_written_differently(launch, written, who):
    imp = upload(launch, zoom_report([(written, "", at(0), at(100), False)]))
    [row] = imp.rows
    assert (row["match"], row["method"], row["official"]) == ("matched", "name", launch[who].pk)


def test_upload_marks_ambiguous_names_with_their_candidates(launch):
    other = f.make_official(first_name="João", last_name="Silva", email="joao.silva@example.org")
    f.invite(other, launch["initiative"])
    imp = upload(launch, zoom_report([("Joao Silva", "", at(0), at(100), False)]))
    [row] = imp.rows
    assert row["match"] == "ambiguous"
    assert row["official"] is None
    assert sorted(row["candidates"]) == sorted([launch["joao"].pk, other.pk])


def test_upload_leaves_unknown_names_unmatched(launch):
    imp = upload(launch, zoom_report([("iPhone de Carlos", "", at(0), at(100), True)]))
    assert [(row["match"], row["official"], row["guest"]) for row in imp.rows] == [("unmatched", None, True)]


def test_upload_does_not_touch_attendance(launch):
    imp = upload(launch, zoom_report([("María Pérez", "", at(0), at(100), False)]))
    assert imp.status == ImportStatus.PENDING
    assert Attendance.objects.count() == 0


def test_upload_of_wrong_file_raises_and_stores_nothing(launch):
    with pytest.raises(AttendanceError) as error:
        upload(launch, b"a;b;c\n1;2;3\n", name="budget.csv")
    assert error.value.messages[0].startswith("“budget.csv” is not a participant report")
    assert AttendanceImport.objects.count() == 0


def test_upload_by_country_staff_is_refused(launch):
    with pytest.raises(AttendanceError):
        upload_attendance_report(
            session=launch["session"],
            file_name="p.csv",
            data=zoom_report([("A B", "", at(0), at(1), False)]),
            by=f.make_country_staff("PE"),
        )


@pytest.mark.parametrize(
    ("leave", "counts", "seconds"),
    [(at(90), COUNTS, 5400), (at(89, 59), TOO_SHORT, 5399)],
    ids=["exactly-at-threshold", "one-second-under"],
)
def test_confirm_stores_the_seconds_and_the_threshold_applies_at_its_edge(launch, leave, counts, seconds):
    imp = upload(launch, zoom_report([("María José Pérez Gutiérrez", "", at(0), leave, False)]))
    confirm(launch, imp)
    attendance = Attendance.objects.get(official=launch["maria"], session=launch["session"])
    assert (attendance.status, attendance.seconds, verdict(attendance)) == (AttendanceStatus.PRESENT, seconds, counts)


def test_confirm_counts_overlapping_reconnections_once_against_threshold(launch):
    # 0-50 and 40-89:59 overlap for ten minutes: 89:59 in all, one second under the 90 minutes.
    imp = upload(
        launch,
        zoom_report(
            [
                ("María José Pérez Gutiérrez", "mjperez@lima.gob.pe", at(0), at(50), False),
                ("María José Pérez Gutiérrez", "mjperez@lima.gob.pe", at(40), at(89, 59), False),
            ]
        ),
    )
    confirm(launch, imp)
    assert verdicts() == {launch["maria"].pk: TOO_SHORT}
    assert Attendance.objects.get(official=launch["maria"]).seconds == 89 * 60 + 59


def test_confirm_threshold_follows_initiative_percentage(launch):
    launch["initiative"].attendance_threshold_percent = 50
    launch["initiative"].save()
    imp = upload(launch, zoom_report([("María Pérez", "", at(0), at(60), False)]))
    confirm(launch, imp)
    assert verdicts() == {launch["maria"].pk: COUNTS}
    launch["initiative"].attendance_threshold_percent = 75  # staff raise the threshold after the import
    launch["initiative"].save()
    assert verdicts() == {launch["maria"].pk: TOO_SHORT}


def test_confirm_keeps_source_and_confirmer(launch):
    imp = upload(launch, zoom_report([("María Pérez", "", at(0), at(100), False)]), name="zoom_launch.csv")
    confirm(launch, imp)
    attendance = Attendance.objects.get(official=launch["maria"])
    assert attendance.source == "zoom"
    assert attendance.source_reference == f"zoom_launch.csv · sha256:{imp.digest[:16]}"
    assert attendance.confirmed_by == launch["regional"]
    assert attendance.confirmed_at is not None
    imp.refresh_from_db()
    assert (imp.status, imp.confirmed_by) == ("confirmed", launch["regional"])
    assert imp.outcome == {"created": 1, "updated": 0, "unchanged": 0}
    assert verdicts() == {launch["maria"].pk: COUNTS}


def test_reimporting_same_report_changes_nothing(launch):
    data = zoom_report([("María Pérez", "", at(0), at(100), False), ("Joao Goncalves", "", at(0), at(30), False)])
    confirm(launch, upload(launch, data))
    before = list(Attendance.objects.order_by("pk").values_list("pk", "status", "seconds", "updated", "confirmed_at"))
    outcome = confirm(launch, upload(launch, data))
    after = list(Attendance.objects.order_by("pk").values_list("pk", "status", "seconds", "updated", "confirmed_at"))
    assert outcome == {"created": 0, "updated": 0, "unchanged": 2}
    assert after == before
    assert verdicts() == {launch["maria"].pk: COUNTS, launch["joao"].pk: TOO_SHORT}


def test_reimporting_corrected_report_updates(launch):
    confirm(launch, upload(launch, zoom_report([("Joao Goncalves", "", at(0), at(30), False)]), name="v1.csv"))
    corrected = upload(launch, zoom_report([("Joao Goncalves", "", at(0), at(110), False)]), name="v2.csv")
    outcome = confirm(launch, corrected)
    attendance = Attendance.objects.get(official=launch["joao"])
    assert outcome == {"created": 0, "updated": 1, "unchanged": 0}
    assert (attendance.status, attendance.minutes, verdict(attendance)) == (AttendanceStatus.PRESENT, 110, COUNTS)
    assert attendance.source_reference.startswith("v2.csv")


def test_confirm_keeps_excused_when_report_finds_too_little_time(launch):
    f.attend(launch["joao"], launch["session"], status=AttendanceStatus.EXCUSED)
    confirm(launch, upload(launch, zoom_report([("Joao Goncalves", "", at(0), at(10), False)])))
    attendance = Attendance.objects.get(official=launch["joao"])
    assert (attendance.status, attendance.minutes, verdict(attendance)) == (AttendanceStatus.EXCUSED, 10, TOO_SHORT)


def test_confirm_links_and_dismisses_rows_as_staff_decided(launch):
    imp = upload(
        launch,
        zoom_report(
            [
                ("Majo", "", at(0), at(95), False),  # unmatched: staff link it to María
                ("Invitado 5", "", at(0), at(120), True),  # unmatched: staff dismiss it
                ("Joao Goncalves", "", at(0), at(100), False),  # matched, but staff dismiss it
            ]
        ),
    )
    rows = rows_by_name(imp)
    confirm(
        launch,
        imp,
        {
            rows["Majo"]["n"]: str(launch["maria"].pk),
            rows["Invitado 5"]["n"]: "dismiss",
            rows["Joao Goncalves"]["n"]: "dismiss",
        },
    )
    assert list(Attendance.objects.values_list("official", "status", "seconds")) == [
        (launch["maria"].pk, AttendanceStatus.PRESENT, 95 * 60)
    ]


def test_confirm_merges_two_rows_linked_to_one_official(launch):
    imp = upload(
        launch,
        zoom_report([("María Pérez", "", at(0), at(60), False), ("Celular Majo", "", at(50), at(95), False)]),
    )
    rows = rows_by_name(imp)
    confirm(launch, imp, {rows["Celular Majo"]["n"]: launch["maria"].pk})
    assert Attendance.objects.get(official=launch["maria"]).minutes == 95


def test_confirm_requires_a_decision_for_ambiguous_rows_and_writes_nothing(launch):
    other = f.make_official(first_name="João", last_name="Silva", email="joao.silva@example.org")
    f.invite(other, launch["initiative"])
    imp = upload(
        launch,
        zoom_report([("María Pérez", "", at(0), at(100), False), ("Joao Silva", "", at(0), at(100), False)]),
    )
    with pytest.raises(AttendanceError) as error:
        confirm(launch, imp)
    assert error.value.messages == ["“Joao Silva” matches several officials: choose one, or dismiss the row."]
    assert Attendance.objects.count() == 0
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PENDING
    rows = rows_by_name(imp)
    confirm(launch, imp, {rows["Joao Silva"]["n"]: other.pk})
    assert sorted(Attendance.objects.values_list("official", flat=True)) == sorted([launch["maria"].pk, other.pk])


def test_confirm_refuses_an_official_outside_the_initiative(launch):
    stranger = f.make_official(first_name="Otro", last_name="Señor")
    imp = upload(launch, zoom_report([("Nadie", "", at(0), at(100), False)]))
    with pytest.raises(AttendanceError) as error:
        confirm(launch, imp, {0: stranger.pk})
    assert error.value.messages == ["“Nadie”: choose an official from the list."]
    assert Attendance.objects.count() == 0


def test_confirm_is_all_or_nothing_when_the_database_fails(launch, monkeypatch):
    f.attend(launch["joao"], launch["session"], status=AttendanceStatus.ABSENT, minutes=0)
    imp = upload(
        launch,
        zoom_report([("María Pérez", "", at(0), at(100), False), ("Joao Goncalves", "", at(0), at(100), False)]),
    )

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(QuerySet, "bulk_update", fail)
    with pytest.raises(RuntimeError):
        confirm(launch, imp)
    assert list(Attendance.objects.values_list("official", "status")) == [(launch["joao"].pk, "absent")]
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PENDING


def test_confirm_twice_is_refused(launch):
    imp = upload(launch, zoom_report([("María Pérez", "", at(0), at(100), False)]))
    confirm(launch, imp)
    with pytest.raises(AttendanceError) as error:
        confirm(launch, imp)
    assert error.value.messages == ["This report was already confirmed: upload it again to import it."]


def test_teams_report_end_to_end(launch):
    data = teams_report(
        [
            ("MARIA JOSE PEREZ GUTIERREZ (Guest)", "", at(0), at(50), "Attendee"),
            ("MARIA JOSE PEREZ GUTIERREZ (Guest)", "", at(45), at(95), "Attendee"),
            ("João Gonçalves", "joao.goncalves@recife.pe.gov.br", at(0), at(89, 59), "Presenter"),
        ]
    )
    confirm(launch, upload(launch, data, name="attendance.csv"))
    assert sorted(Attendance.objects.values_list("official__email", "status", "seconds", "source")) == [
        ("joao.goncalves@recife.pe.gov.br", "present", 89 * 60 + 59, "teams"),
        ("mjperez@lima.gob.pe", "present", 95 * 60, "teams"),
    ]
    assert verdicts() == {launch["joao"].pk: TOO_SHORT, launch["maria"].pk: COUNTS}


def test_meet_report_end_to_end(launch):
    data = meet_report(
        [
            ("Maria Jose", "Perez", "", 92, at(0), at(92)),
            ("Joao", "Goncalves", "", 30, at(0), at(30)),
        ]
    )
    confirm(launch, upload(launch, data, name="meet.csv"))
    assert sorted(Attendance.objects.values_list("official__email", "status", "seconds", "source")) == [
        ("joao.goncalves@recife.pe.gov.br", "present", 30 * 60, "meet"),
        ("mjperez@lima.gob.pe", "present", 92 * 60, "meet"),
    ]
    assert verdicts() == {launch["joao"].pk: TOO_SHORT, launch["maria"].pk: COUNTS}


def test_upload_matches_only_officials_of_the_initiative(launch):
    outsider = f.make_official(first_name="Ana", last_name="Souza", email="ana@example.org")
    imp = upload(launch, zoom_report([("Ana Souza", "ana@example.org", at(0), at(100), False)]))
    assert imp.rows[0]["match"] == "unmatched"
    assert outsider.pk not in imp.rows[0]["candidates"]
    assert timedelta(minutes=120) == launch["session"].ends_at - launch["session"].starts_at


# --- the e-mail outweighs the name ------------------------------------------------------------------


@pytest.fixture
def quilmes(launch):
    """María José Pérez Gutiérrez of Quilmes, invited, with her own e-mail, in place of Lima's María."""
    launch["maria"].delete()
    launch["maria"] = f.make_official(
        f.make_government("AR", name="Quilmes"),
        first_name="María José",
        last_name="Pérez Gutiérrez",
        email="mariajose.perez@quilmes.gov.ar",
        gender="female",
    )
    f.invite(launch["maria"], launch["initiative"])
    return launch


def notes(imp, officials):
    return [match_note(row, officials) for row in imp.rows]


def test_upload_sends_a_name_match_with_someone_elses_email_to_review(quilmes):
    maria = quilmes["maria"]
    imp = upload(quilmes, zoom_report([("María José Pérez", "mjperez@rosario.gob.ar", at(0), at(100), False)]))
    [row] = imp.rows
    assert (row["match"], row["official"], row["candidates"]) == ("ambiguous", None, [maria.pk])
    assert notes(imp, {maria.pk: maria}) == [
        "the name matches María José Pérez Gutiérrez (Quilmes) but the report's e-mail mjperez@rosario.gob.ar "
        "is not hers"
    ]


def test_confirm_credits_nobody_for_a_row_whose_email_is_not_the_officials(quilmes):
    imp = upload(quilmes, zoom_report([("María José Pérez", "mjperez@rosario.gob.ar", at(0), at(100), False)]))
    with pytest.raises(AttendanceError) as error:
        confirm(quilmes, imp)
    assert error.value.messages == [
        "“María José Pérez”: the name matches María José Pérez Gutiérrez (Quilmes) but the report's e-mail "
        "mjperez@rosario.gob.ar is not hers. Choose the official it belongs to, or dismiss the row."
    ]
    assert Attendance.objects.count() == 0
    confirm(quilmes, imp, {0: str(quilmes["maria"].pk)})  # staff decide it is hers after all
    assert list(Attendance.objects.values_list("official", "seconds")) == [(quilmes["maria"].pk, 100 * 60)]


def test_upload_credits_the_owner_of_the_email_not_the_owner_of_the_name(quilmes):
    imp = upload(quilmes, zoom_report([("María José Pérez", "joao.goncalves@recife.pe.gov.br", at(0), at(100), False)]))
    [row] = imp.rows
    assert (row["match"], row["method"], row["official"]) == ("matched", "email", quilmes["joao"].pk)


def test_upload_matches_the_email_of_the_officials_account(quilmes):
    maria = quilmes["maria"]
    maria.user = f.make_user("majo.perez@gmail.com")
    maria.save(update_fields=["user"])
    imp = upload(quilmes, zoom_report([("Majo", "MAJO.PEREZ@gmail.com", at(0), at(100), False)]))
    [row] = imp.rows
    assert (row["match"], row["method"], row["official"]) == ("matched", "email", maria.pk)


def test_upload_leaves_a_row_with_the_email_of_an_official_not_expected_unmatched(quilmes):
    stranger = f.make_official(
        f.make_government("AR", name="Rosario"), first_name="Marta", last_name="Pérez", email="mjperez@rosario.gob.ar"
    )
    imp = upload(quilmes, zoom_report([("María José Pérez", "mjperez@rosario.gob.ar", at(0), at(100), False)]))
    [row] = imp.rows
    assert (row["match"], row["official"], row["candidates"]) == ("unmatched", None, [])
    assert notes(imp, {stranger.pk: stranger}) == [
        "the report's e-mail mjperez@rosario.gob.ar belongs to Marta Pérez (Rosario), who is not expected at "
        "this session"
    ]


def test_upload_names_every_candidate_when_an_unknown_email_fits_several(quilmes):
    other = f.make_official(f.make_government("AR", name="Moreno"), first_name="María", last_name="Pérez")
    f.invite(other, quilmes["initiative"])
    imp = upload(quilmes, zoom_report([("María Pérez", "maria@gmail.com", at(0), at(100), False)]))
    [row] = imp.rows
    assert (row["match"], sorted(row["candidates"])) == ("ambiguous", sorted([quilmes["maria"].pk, other.pk]))
    assert notes(imp, {quilmes["maria"].pk: quilmes["maria"], other.pk: other}) == [
        "the name matches María José Pérez Gutiérrez (Quilmes); María Pérez (Moreno) but the report's e-mail "
        "maria@gmail.com belongs to none of them"
    ]


def test_teams_guest_upn_is_the_rows_email(quilmes):
    data = teams_report(
        [
            ("María José Pérez (Guest)", "", at(0), at(100), "Attendee"),
            ("João Gonçalves (Guest)", "", at(0), at(100), "Attendee"),
        ],
        upns={
            "María José Pérez (Guest)": "mjperez_rosario.gob.ar#EXT#@iom.onmicrosoft.com",
            "João Gonçalves (Guest)": "joao.goncalves_recife.pe.gov.br#EXT#@iom.onmicrosoft.com",
        },
    )
    imp = upload(quilmes, data, name="attendance.csv")
    assert [(r["name"], r["email"], r["match"], r["official"]) for r in imp.rows] == [
        ("María José Pérez", "mjperez@rosario.gob.ar", "ambiguous", None),
        ("João Gonçalves", "joao.goncalves@recife.pe.gov.br", "matched", quilmes["joao"].pk),
    ]


def test_meet_email_of_nobody_known_goes_to_review(quilmes):
    data = meet_report([("María José", "Pérez", "mjperez@rosario.gob.ar", 92, at(0), at(92))])
    imp = upload(quilmes, data, name="meet.csv")
    [row] = imp.rows
    assert (row["match"], row["official"], row["candidates"]) == ("ambiguous", None, [quilmes["maria"].pk])
    assert row["note"] == {"code": "email_not_theirs"}
