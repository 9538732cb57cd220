"""Invitations from a spreadsheet and the e-mails' progress (issue 15, item 1): officials named by e-mail or
number and an initiative, with the mapping imports' preview and all-or-nothing rule, scoped to the country
office's officials; the e-mails go out in the background and a page follows them (`emailed_at`)."""

import re
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from authorities.bulk_invitations import invite_officials, sending_progress
from authorities.enums import InvitationStatus
from authorities.models import Invitation, Official
from authorities.services import send_invitation
from authorities.tasks import mark_emailed
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    rosario = f.make_government("AR", name="Rosario")
    sao_paulo = f.make_government("BR", name="São Paulo")
    return {
        "initiative": f.make_initiative(name="ALP Sudamérica 2027", year=2027),
        "old": f.make_initiative(name="ALP Sudamérica 2023", year=2023),
        "ana": f.make_official(rosario, email="ana@rosario.gob.ar", first_name="Ana", last_name="Paz"),
        "eva": f.make_official(rosario, email="eva@rosario.gob.ar", first_name="Eva", last_name="Luz"),
        "joao": f.make_official(sao_paulo, email="joao@sp.gov.br", first_name="João", last_name="Silva"),
    }


def preview(client, text, language="en"):
    response = client.post(
        reverse("admin:authorities_invitation_import"),
        {"import_file": SimpleUploadedFile("invitaciones.csv", text.encode())},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    return response


def confirm(client, response):
    token = response.context["confirm_form"].initial["token"]
    return client.post(reverse("admin:authorities_invitation_import_confirm"), {"token": token})


def issues(response):
    return [str(issue) for issue in response.context["plan"].issues]


def test_invitations_imported_by_e_mail_or_number_and_sent_in_the_background(
    client, world, django_capture_on_commit_callbacks
):
    earlier = f.invite(world["eva"], world["initiative"])
    Invitation.objects.filter(pk=earlier.pk).update(sent_at=timezone.now() - timedelta(hours=1))
    client.force_login(f.make_regional_staff())
    text = (
        "correo electrónico,id,iniciativa\r\n"
        "ANA@rosario.gob.ar,,ALP Sudamérica 2027\r\n"
        f",{world['joao'].pk},alp sudamerica 2027\r\n"
        f"eva@rosario.gob.ar,{world['eva'].pk},{world['initiative'].pk}\r\n"
    )
    response = preview(client, text, language="es")
    assert issues(response) == []
    assert response.context["counts"] == {"new": 2, "updated": 0, "unchanged": 1, "invalid": 0}
    assert "Ana Paz &lt;ana@rosario.gob.ar&gt; · ALP Sudamérica 2027" in response.content.decode()
    assert Invitation.objects.count() == 1  # a preview creates nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = confirm(client, response)
    invited = Invitation.objects.filter(initiative=world["initiative"], official__in=[world["ana"], world["joao"]])
    assert set(invited.values_list("status", flat=True)) == {InvitationStatus.SENT}
    assert sorted(message.to[0] for message in mail.outbox) == ["ana@rosario.gob.ar", "joao@sp.gov.br"]
    assert all(invitation.emailed_at is not None for invitation in invited)
    assert re.fullmatch(
        reverse("admin:authorities_invitation_sending", args=[world["initiative"].pk]) + r"\?since=\d+", done.url
    )
    page = client.get(done.url, HTTP_ACCEPT_LANGUAGE="es")
    assert page.context["progress"].as_dict() == {"total": 2, "emailed": 2, "waiting": 0, "stalled": 0}
    assert "Los 2 correos fueron enviados." in page.content.decode()


def test_rows_to_correct(client, world):
    Official.objects.filter(pk=world["eva"].pk).update(email="")
    client.force_login(f.make_regional_staff())
    text = (
        "e-mail,official's number,initiative\r\n"
        "ana@rosario.gob.ar,,ALP 1999\r\n"
        f"nadie@example.org,{world['ana'].pk},ALP Sudamérica 2027\r\n"
        f",{world['eva'].pk},ALP Sudamérica 2027\r\n"
        ",abc,ALP Sudamérica 2027\r\n"
        "ana@rosario.gob.ar,,\r\n"
        ",,ALP Sudamérica 2027\r\n"
        "ana@rosario.gob.ar,,ALP Sudamérica 2027\r\n"
        f",{world['ana'].pk},ALP Sudamérica 2027\r\n"
    )
    response = preview(client, text)
    assert issues(response) == [
        "row 2, initiative: 'ALP 1999' is not an initiative of the portal; write one of: ALP Sudamérica 2027, "
        "ALP Sudamérica 2023",
        f"row 3, e-mail: official number {world['ana'].pk} has the address ana@rosario.gob.ar, not "
        "nadie@example.org; correct one of them",
        "row 4, official's number: Eva Luz has no e-mail address: add it to the official first",
        "row 5, official's number: 'abc' is not a number",
        "row 6, initiative: is empty; write the initiative's name",
        "row 7, e-mail: is empty; write the official's e-mail address or number",
        "row 8, e-mail: 'ana@rosario.gob.ar' is also on row 9; each appears only once in a file. Keep one of rows 8 "
        "and 9.",
        "row 9, official's number: 'ana@rosario.gob.ar' is also on row 8; each appears only once in a file. Keep one "
        "of rows 8 and 9.",
    ]
    assert response.context["confirm_form"] is None
    assert Invitation.objects.count() == 0


def test_a_country_office_learns_nothing_of_another_countrys_officials(client, world):
    client.force_login(f.make_country_staff("AR"))
    text = (
        "e-mail,official's number,initiative\r\n"
        "joao@sp.gov.br,,ALP Sudamérica 2027\r\n"
        "nobody@sp.gov.br,,ALP Sudamérica 2027\r\n"
        f",{world['joao'].pk},ALP Sudamérica 2027\r\n"
        f",{world['joao'].pk + 1000},ALP Sudamérica 2027\r\n"
        "ana@rosario.gob.ar,,ALP Sudamérica 2027\r\n"
    )
    found = issues(preview(client, text))
    # A Brazilian official and an address nobody has read the same, and so do their numbers.
    assert [message.split(": ", 1)[1].replace("joao", "X").replace("nobody", "X") for message in found[:2]] == [
        "no official of your list has the address 'X@sp.gov.br'; import the official first (officials import) or "
        "correct the address"
    ] * 2
    number = [message.split(": ", 1)[1] for message in found[2:]]
    assert number[0].replace(str(world["joao"].pk), "N") == number[1].replace(str(world["joao"].pk + 1000), "N")
    assert len(found) == 4
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_the_invitations_export_imports_back_unchanged(client, world, language):
    for official in (world["ana"], world["joao"]):
        f.invite(official, world["initiative"])
    f.invite(world["ana"], world["old"], status=InvitationStatus.ACCEPTED)
    client.force_login(f.make_regional_staff())
    exported = client.post(
        reverse("admin:authorities_invitation_export"), {"format": "1", "resource": "0"}, HTTP_ACCEPT_LANGUAGE=language
    )
    response = client.post(
        reverse("admin:authorities_invitation_import"),
        {"import_file": SimpleUploadedFile("convites.xlsx", exported.content)},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    plan = response.context["plan"]
    assert plan.issues == [] and plan.ignored_columns == []
    assert plan.counts == {"new": 0, "updated": 0, "unchanged": 3, "invalid": 0}
    assert len(plan.portal_columns) == 8  # names, government, country, status and dates: the portal's own


def test_the_template_imports_back(client, world):
    f.make_official(world["ana"].local_government, email="ana.perez@rosario.gob.ar")
    client.force_login(f.make_regional_staff())
    template = client.get(reverse("admin:authorities_invitation_import_template", args=["csv"]))
    response = preview(client, template.content.decode("utf-8-sig"))
    assert response.context["plan"].ignored_columns == []
    assert response.context["counts"]["new"] == 1


def test_a_file_without_an_official_column_is_refused(client, world):
    client.force_login(f.make_regional_staff())
    response = client.post(
        reverse("admin:authorities_invitation_import"),
        {"import_file": SimpleUploadedFile("x.csv", b"name,initiative\r\nAna,ALP\r\n")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.context["form"].errors["import_file"] == [
        "Columns missing: e-mail. Add them to the first row and upload the file again."
    ]


@pytest.mark.parametrize("role", ["anonymous", "official", "country_office", "regional"])
def test_who_may_import_invitations(client, world, role):
    users = {
        "anonymous": None,
        "official": f.make_official_user(world["ana"].local_government).user,
        "country_office": f.make_country_staff("AR"),
        "regional": f.make_regional_staff(),
    }
    if users[role]:
        client.force_login(users[role])
    for url in (
        reverse("admin:authorities_invitation_import"),
        reverse("admin:authorities_invitation_import_template", args=["xlsx"]),
        reverse("admin:authorities_invitation_sending", args=[world["initiative"].pk]),
    ):
        assert client.get(url).status_code == (200 if role in ("country_office", "regional") else 302)


def test_preview_queries_do_not_grow_with_rows(client, world):
    government = world["ana"].local_government
    people = [f.make_official(government, email=f"p{i}@rosario.gob.ar") for i in range(300)]
    client.force_login(f.make_regional_staff())

    def rows(count):
        return "e-mail,initiative\r\n" + "".join(f"{p.email},ALP Sudamérica 2027\r\n" for p in people[:count])

    preview(client, rows(1))  # warm the session
    with CaptureQueriesContext(connection) as few:
        preview(client, rows(2))
    with CaptureQueriesContext(connection) as many:
        big = preview(client, rows(300))
    assert big.context["counts"]["new"] == 300
    assert len(many) == len(few)


def test_the_progress_follows_the_e_mails(client, world, django_capture_on_commit_callbacks):
    staff = f.make_regional_staff()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite_officials(officials=Official.objects.all(), initiative=world["initiative"], by=staff)
    progress = sending_progress(Invitation.objects.all(), initiative=world["initiative"])
    assert progress.as_dict() == {"total": 3, "emailed": 0, "waiting": 3, "stalled": 0}
    Invitation.objects.filter(official=world["joao"]).update(sent_at=timezone.now() - timedelta(minutes=11))
    client.force_login(f.make_country_staff("AR"))
    url = reverse("admin:authorities_invitation_sending", args=[world["initiative"].pk])
    waiting = client.get(url, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    # The country office counts only its own officials' e-mails: the stalled Brazilian one is not theirs.
    assert waiting == {
        "total": 2,
        "emailed": 0,
        "waiting": 2,
        "stalled": 0,
        "status": "0 of 2 e-mails sent; 2 waiting to go out.",
    }
    client.force_login(staff)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 of 3 e-mails sent; 3 waiting to go out." in page
    assert 'id="sending-stalled" class="errornote">' in page  # shown: one has waited more than ten minutes
    for callback in callbacks:
        callback()  # the worker runs the queued tasks
    assert client.get(url, {"format": "json"}).json()["emailed"] == 3
    assert sending_progress(Invitation.objects.all(), initiative=world["initiative"], since=timezone.now()).total == 0


def test_sending_again_waits_for_its_own_e_mail(world, django_capture_on_commit_callbacks):
    invitation = f.invite(world["ana"], world["initiative"])
    with django_capture_on_commit_callbacks(execute=False):
        send_invitation(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.emailed_at is None
    stale = Invitation.objects.get(pk=invitation.pk)
    with django_capture_on_commit_callbacks(execute=False):
        send_invitation(invitation=invitation)  # a newer link, while the first e-mail's task still runs
    mark_emailed([stale])  # the first e-mail went out: it does not stand for the newer link
    invitation.refresh_from_db()
    assert invitation.emailed_at is None
    mark_emailed([invitation])
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None


def test_the_bulk_action_leads_to_the_progress(client, world, django_capture_on_commit_callbacks):
    client.force_login(f.make_regional_staff())
    url = reverse("admin:authorities_official_changelist")
    post = {
        "action": "invite_to_initiative",
        ACTION_CHECKBOX_NAME: [world["ana"].pk, world["eva"].pk],
        "index": 0,
        "initiative": world["initiative"].pk,
        "apply": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, post)
    assert done.url.startswith(reverse("admin:authorities_invitation_sending", args=[world["initiative"].pk]))
    assert client.get(done.url, {"format": "json"}).json()["emailed"] == 2
