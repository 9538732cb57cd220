"""One audit trail (issue 12, items 4 and 5): every consequential act writes one entry of Django's admin log
through alp_portal.audit, shown in the admin's list (regional staff only) and on the object's History page;
the status fields of invitations, attendance and Automapeos change only through their services, with the
admin's actions for the manual cases."""

from datetime import timedelta

import pytest
from django import forms
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation

from alp_portal.audit import describe, event_label, payload_of, record
from authorities.enums import InvitationStatus
from authorities.models import ExportLog
from authorities.services import InvitationError, decline_invitation, record_export
from certificates.revocation import revoke_recognition
from certificates.services import set_eligibility_override, start_issuance
from initiative.enums import Piece, Stage
from initiative.services import set_publication
from initiative.stages import advance_stage
from tests import factories as f
from tests.certificates.helpers import cohort, qualify
from workshops.attendance import AttendanceError, correct_attendance
from workshops.enums import AttendanceSource, AttendanceStatus, SubmissionStatus
from workshops.services import AutomapeoError, reopen_automapeo

pytestmark = pytest.mark.django_db


def entries():
    """[(event, object, reason)] of the audit entries, oldest first."""
    found = []
    for entry in LogEntry.objects.order_by("pk"):
        payload = payload_of(entry)
        if payload is not None:
            found.append(
                (payload["event"], entry.get_edited_object() if entry.content_type_id else None, payload["reason"])
            )
    return found


@pytest.fixture
def regional():
    return f.make_regional_staff()


def test_record_refuses_an_unknown_event(regional):
    with pytest.raises(ValueError, match="Unknown audit event"):
        record(event="made-up", by=regional)
    assert LogEntry.objects.count() == 0


def test_describe_puts_an_entry_in_the_readers_language(regional):
    recognition = f.make_recognition(f.make_initiative(), official=f.make_official())
    revoke_recognition(recognition=recognition, reason="Emitido dos veces", by=regional)
    entry = LogEntry.objects.get()
    with translation.override("en"):
        assert (event_label(entry), describe(entry)) == ("Revocation", "Revoked: Emitido dos veces")
    with translation.override("pt-br"):
        assert (event_label(entry), describe(entry)) == ("Revogação", "Revogado: Emitido dos veces")
    with translation.override("es"):
        assert (event_label(entry), describe(entry)) == ("Revocación", "Revocado: Emitido dos veces")


def ready_for_launch():
    initiative = f.make_initiative(stage=Stage.MAPPING)
    f.make_session(f.make_event(initiative), starts_at=timezone.now() + timedelta(days=3))
    f.invite(f.make_official(), initiative)
    return initiative


def test_stage_moves_and_overrides_are_recorded(regional):
    initiative = ready_for_launch()
    advance_stage(initiative=initiative, to=Stage.LAUNCH, by=regional, note="Convocatoria cerrada")
    # Nothing is held: the workshop needs the launch's attendance, so this is an override.
    advance_stage(initiative=initiative, to=Stage.WORKSHOP, by=regional, override_reason="Informe perdido")
    assert [(event, obj.pk, reason) for event, obj, reason in entries()] == [
        ("stage", initiative.pk, "Convocatoria cerrada"),
        ("stage-override", initiative.pk, "Informe perdido"),
    ]
    with translation.override("en"):
        override = describe(LogEntry.objects.order_by("pk").last())
    assert override.startswith("Moved from “Launch” to “Workshop” although: ")  # stages in the reader's language
    assert override.endswith("Reason: Informe perdido")


def test_publication_export_issuance_overrides_and_revocation_are_recorded(regional):
    initiative, launch, sessions = cohort()
    ana = qualify(f.make_official(f.make_government("AR"), first_name="Ana"), launch, sessions, initiative)
    absent = f.make_official(f.make_government("BR"), first_name="Pedro")
    set_eligibility_override(
        initiative=initiative, official=absent, eligible=True, reason="Asistió por teléfono", by=regional
    )
    batch = start_issuance(initiative=initiative, by=regional)
    log = record_export(user=regional, kind="officials", rows=12, file_format="CSV")
    set_eligibility_override(initiative=initiative, official=absent, eligible=None, reason="", by=regional)
    recognition = f.make_recognition(initiative, official=ana)
    revoke_recognition(recognition=recognition, reason="Duplicado", by=regional)
    initiative.stage = Stage.DISSEMINATION
    initiative.save(update_fields=["stage"])
    set_publication(initiative=initiative, piece=Piece.RECOGNIZED, published=True, by=regional)
    assert entries() == [
        ("eligibility-override", absent, "Asistió por teléfono"),
        ("issuance", batch, ""),
        ("export", ExportLog.objects.get(pk=log.pk), ""),
        ("eligibility-override", absent, ""),
        ("revocation", recognition, "Duplicado"),
        ("publication", initiative, ""),
    ]
    assert {entry.user for entry in LogEntry.objects.all()} == {regional}


def test_an_act_refused_writes_no_entry(regional):
    country = f.make_country_staff("AR")
    recognition = f.make_recognition(f.make_initiative(), official=f.make_official())
    with pytest.raises(Exception, match="Oficina Regional"):
        revoke_recognition(recognition=recognition, reason="x", by=country)
    assert LogEntry.objects.count() == 0


# One writer per state


def test_decline_invitation_through_its_service_only(regional):
    official = f.make_official()
    invitation = f.invite(official, f.make_initiative())
    with pytest.raises(InvitationError, match="Indique el motivo"):
        decline_invitation(invitation=invitation, reason=" ", by=regional)
    with pytest.raises(InvitationError, match="personal regional"):
        decline_invitation(invitation=invitation, reason="No puede", by=f.make_country_staff("AR"))
    decline_invitation(invitation=invitation, reason="Respondió que no por correo", by=regional)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert entries() == [("invitation-declined", invitation, "Respondió que no por correo")]
    with pytest.raises(InvitationError, match="ya está rechazada"):
        decline_invitation(invitation=invitation, reason="otra vez", by=regional)
    accepted = f.invite(f.make_official(), invitation.initiative, status=InvitationStatus.ACCEPTED)
    with pytest.raises(InvitationError, match="ya fue aceptada"):
        decline_invitation(invitation=accepted, reason="No", by=regional)


def test_correct_attendance_keeps_what_it_was_in_the_trail(regional):
    session = f.make_session(f.make_event(f.make_initiative()), minutes=90)
    attendance = f.attend(f.make_official(), session, seconds=3000)
    with pytest.raises(AttendanceError):
        correct_attendance(attendance=attendance, status=AttendanceStatus.PRESENT, seconds=4050, reason="", by=regional)
    with translation.override("en"):  # the statuses are named in the language of whoever corrects
        correct_attendance(
            attendance=attendance,
            status=AttendanceStatus.PRESENT,
            seconds=4050,
            reason="Segundo dispositivo",
            by=regional,
        )
    attendance.refresh_from_db()
    assert (attendance.seconds, attendance.source, attendance.confirmed_by) == (4050, AttendanceSource.MANUAL, regional)
    with translation.override("en"):
        assert describe(LogEntry.objects.get()) == (
            "Attendance changed from Present (50 min) to Present (67 min). Reason: Segundo dispositivo"
        )


def test_reopen_automapeo(regional):
    automapeo = f.make_automapeo(
        f.make_government(), f.make_initiative(), status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
    )
    revision = automapeo.revision
    reopen_automapeo(automapeo=automapeo, reason="Faltó una acción", by=regional)
    automapeo.refresh_from_db()
    assert (automapeo.status, automapeo.revision) == (SubmissionStatus.DRAFT, revision + 1)
    assert entries() == [("automapeo-reopened", automapeo, "Faltó una acción")]
    with pytest.raises(AutomapeoError, match="no está enviado"):
        reopen_automapeo(automapeo=automapeo, reason="otra vez", by=regional)


def change_form_data(page):
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(field.widget, forms.MultiWidget):  # the admin's date and time inputs
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{form.add_prefix(name)}_{i}"] = str(part)
        else:
            data[form.add_prefix(name)] = [str(v) for v in value] if isinstance(value, list) else str(value)
    for inline in page.context["inline_admin_formsets"]:
        for inline_form in [inline.formset.management_form, *inline.formset]:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None:
                    key = inline_form.add_prefix(name)
                    data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_admin_change_forms_cannot_set_the_statuses(client, regional):
    client.force_login(regional)
    initiative = f.make_initiative()
    invitation = f.invite(f.make_official(), initiative)
    url = reverse("admin:authorities_invitation_change", args=[invitation.pk])
    data = change_form_data(client.get(url))
    assert "status" not in data
    data["status"] = InvitationStatus.ACCEPTED  # a tampered form
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT

    automapeo = f.make_automapeo(
        f.make_government(), initiative, status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
    )
    url = reverse("admin:workshops_automapeo_change", args=[automapeo.pk])
    data = change_form_data(client.get(url))
    data["status"] = SubmissionStatus.DRAFT
    assert client.post(url, data).status_code == 302
    automapeo.refresh_from_db()
    assert automapeo.status == SubmissionStatus.SUBMITTED

    attendance = f.attend(f.make_official(), f.make_session(f.make_event(initiative)), minutes=60)
    url = reverse("admin:workshops_attendance_change", args=[attendance.pk])
    assert client.get(url).status_code == 200  # shown, read only
    assert client.post(url, {"status": AttendanceStatus.ABSENT, "seconds": "0"}).status_code == 403
    attendance.refresh_from_db()
    assert (attendance.status, attendance.seconds) == (AttendanceStatus.PRESENT, 3600)


def run_action(client, url, action, pks, **fields):
    """The first post (the action's page), then the answer with `fields`."""
    data = {"action": action, "_selected_action": [str(pk) for pk in pks]}
    page = client.post(url, data)
    assert page.status_code == 200
    assert b'name="apply"' in page.content
    return client.post(url, {**data, "apply": "1", **fields})


def test_admin_actions_for_the_manual_cases(client, regional):
    client.force_login(regional)
    initiative = f.make_initiative()
    invitation = f.invite(f.make_official(), initiative)
    url = reverse("admin:authorities_invitation_changelist")
    refused = run_action(client, url, "decline_invitations", [invitation.pk], reason="")
    assert refused.status_code == 200 and refused.context["form"].errors == {"reason": ["Este campo es obligatorio."]}
    assert run_action(client, url, "decline_invitations", [invitation.pk], reason="Dijo que no").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED

    attendance = f.attend(f.make_official(), f.make_session(f.make_event(initiative)), minutes=30)
    url = reverse("admin:workshops_attendance_changelist")
    done = run_action(
        client,
        url,
        "correct_attendance",
        [attendance.pk],
        status=AttendanceStatus.EXCUSED,
        minutes="",
        reason="Enferma",
    )
    assert done.status_code == 302
    attendance.refresh_from_db()
    assert (attendance.status, attendance.seconds) == (AttendanceStatus.EXCUSED, None)

    automapeo = f.make_automapeo(
        f.make_government(), initiative, status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
    )
    url = reverse("admin:workshops_automapeo_changelist")
    assert run_action(client, url, "reopen", [automapeo.pk], reason="Pidió cambios").status_code == 302
    automapeo.refresh_from_db()
    assert automapeo.status == SubmissionStatus.DRAFT
    assert [event for event, _obj, _reason in entries()] == [
        "invitation-declined",
        "attendance-correction",
        "automapeo-reopened",
    ]


@pytest.mark.parametrize(
    ("changelist", "action"),
    [
        ("admin:authorities_invitation_changelist", "decline_invitations"),
        ("admin:workshops_attendance_changelist", "correct_attendance"),
        ("admin:workshops_automapeo_changelist", "reopen"),
    ],
)
def test_country_offices_are_not_offered_the_manual_actions(client, changelist, action):
    client.force_login(f.make_country_staff("AR"))
    response = client.get(reverse(changelist))
    assert response.status_code == 200
    assert f'value="{action}"'.encode() not in response.content


# The list and the History pages


def test_the_trail_list_is_for_regional_staff_only(client, regional):
    official = f.make_official_user(f.make_government("AR"))
    url = reverse("admin:alp_portal_auditentry_changelist")
    assert client.get(url).status_code == 302  # anonymous: to the login
    for user, status in ((official.user, 302), (f.make_country_staff("AR"), 403), (f.make_country_staff("BR"), 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(regional)
    assert client.get(url).status_code == 200


def test_the_trail_list_filters_by_what_was_done(client, regional):
    initiative = ready_for_launch()
    advance_stage(initiative=initiative, to=Stage.LAUNCH, by=regional)
    recognition = f.make_recognition(initiative, official=f.make_official())
    revoke_recognition(recognition=recognition, reason="Duplicado", by=regional)
    client.force_login(regional)
    url = reverse("admin:alp_portal_auditentry_changelist")
    with translation.override("en"):
        shown = client.get(url, {"event": "revocation"}, HTTP_ACCEPT_LANGUAGE="en")
    assert [payload_of(e)["event"] for e in shown.context["cl"].result_list] == ["revocation"]
    assert "Revoked: Duplicado" in shown.content.decode()
    every = client.get(url)
    assert len(every.context["cl"].result_list) == 2
    admin_only = client.get(url, {"event": "admin"})
    assert list(admin_only.context["cl"].result_list) == []


def test_history_page_shows_the_act_in_words_and_stays_scoped(client, regional):
    government_ar = f.make_government("AR")
    recognition = f.make_recognition(f.make_initiative(), official=f.make_official(government_ar))
    revoke_recognition(recognition=recognition, reason="Duplicado", by=regional)
    url = reverse("admin:certificates_recognition_history", args=[recognition.pk])
    client.force_login(f.make_country_staff("AR"))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert page.status_code == 200
    assert "Revocado: Duplicado" in page.content.decode()
    client.force_login(f.make_country_staff("BR"))
    assert client.get(url).status_code == 404


def test_imports_are_recorded(regional):
    from authorities import imports
    from authorities.services import import_mapping
    from authorities.spreadsheets import Table
    from tests.workshops.reportfiles import at, zoom_report
    from workshops.attendance import confirm_attendance_import, upload_attendance_report

    table = Table(headers=["name", "country"], rows=[(2, ["Nueva", "AR"]), (3, ["Otra", "AR"])])
    plan = imports.plan_import(kind="local_governments", table=table, user=regional)
    assert import_mapping(plan=plan, by=regional, file_name="municipios.xlsx") == (2, 0)

    session = f.make_session(f.make_event(f.make_initiative()))
    maria = f.make_official(email="mjperez@lima.gob.pe")
    f.invite(maria, session.event.initiative)
    report = upload_attendance_report(
        session=session,
        file_name="participants.csv",
        data=zoom_report([("Majo", "mjperez@lima.gob.pe", at(0), at(100), False)]),
        by=regional,
    )
    confirm_attendance_import(attendance_import=report, decisions={}, by=regional)
    assert [(event, obj) for event, obj, _reason in entries()] == [("import", None), ("attendance-import", session)]
    with translation.override("pt-br"):
        assert [describe(entry) for entry in LogEntry.objects.order_by("pk")] == [
            "Importação de governos locais de municipios.xlsx: 2 novos, 0 atualizados.",
            "Relatório de participantes participants.csv importado: 1 pessoas contadas.",
        ]
