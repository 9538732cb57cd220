"""Invitations in bulk (issue 15, item 1): a preview of who will be invited, who already is and who cannot be; the
invitations made in one transaction and their e-mails sent in the background; country offices invite their own
country's officials only; the preview and the invitation cost the same queries for 1 or 300 officials."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.bulk_invitations import invite_officials, plan_invitations
from authorities.enums import InvitationStatus
from authorities.models import Invitation, Official
from tests import factories as f

pytestmark = pytest.mark.django_db


def officials(count, country="AR"):
    government = f.make_government(country)
    return [f.make_official(government, email=f"p{n}-{country}@example.org") for n in range(count)]


def test_the_plan_sorts_out_who_will_be_invited():
    initiative = f.make_initiative()
    new, invited = officials(2)
    no_email = f.make_official(new.local_government)
    Official.objects.filter(pk=no_email.pk).update(email="")
    f.invite(invited, initiative)
    plan = plan_invitations(Official.objects.all(), initiative)
    assert (plan.to_invite, plan.already, plan.no_email) == ([new], [invited], [no_email])


def test_inviting_creates_the_invitations_and_sends_the_e_mails_in_the_background(
    django_capture_on_commit_callbacks,
):
    initiative = f.make_initiative(name="ALP 2027")
    people = officials(3)
    f.invite(people[0], initiative)
    staff = f.make_regional_staff()
    with django_capture_on_commit_callbacks(execute=True):
        plan = invite_officials(officials=Official.objects.all(), initiative=initiative, by=staff)
    assert {o.pk for o in plan.to_invite} == {o.pk for o in people[1:]}
    created = Invitation.objects.filter(official__in=people[1:], initiative=initiative)
    assert created.count() == 2 and set(created.values_list("status", flat=True)) == {InvitationStatus.SENT}
    assert sorted(message.to[0] for message in mail.outbox) == ["p1-AR@example.org", "p2-AR@example.org"]
    assert all("ALP 2027" in message.subject for message in mail.outbox)
    assert all("/invitation/" in message.body for message in mail.outbox)  # each one's personal link
    # Again: everyone is invited already, nothing is created or sent.
    with django_capture_on_commit_callbacks(execute=True):
        again = invite_officials(officials=Official.objects.all(), initiative=initiative, by=staff)
    assert again.to_invite == [] and len(mail.outbox) == 2


@pytest.mark.parametrize("count", [1, 300])
def test_preview_and_invitation_cost_the_same_queries_for_1_or_300(count, django_assert_num_queries):
    initiative = f.make_initiative()
    officials(count)
    staff = f.make_regional_staff()
    with django_assert_num_queries(1):
        plan_invitations(Official.objects.all(), initiative)
    with CaptureQueriesContext(connection) as queries:
        invite_officials(officials=Official.objects.all(), initiative=initiative, by=staff)
    # plan, insert (SQLite splits a bulk insert into batches of its variables' limit), audit entry and savepoints.
    assert len(queries) <= 8
    assert Invitation.objects.count() == count


def test_a_country_office_invites_its_own_officials_from_the_changelist(client, django_capture_on_commit_callbacks):
    initiative = f.make_initiative(name="ALP 2027")
    argentines, brazilians = officials(2, "AR"), officials(2, "BR")
    client.force_login(f.make_country_staff("AR"))
    url = reverse("admin:authorities_official_changelist")
    selected = [o.pk for o in argentines + brazilians]  # a tampered post also names Brazilian officials
    base = {"action": "invite_to_initiative", ACTION_CHECKBOX_NAME: selected, "index": 0}

    page = client.post(url, base)
    assert page.status_code == 200 and "initiative" in page.context["form"].fields
    preview = client.post(url, {**base, "initiative": initiative.pk, "preview": "1"})
    assert [o.pk for o in preview.context["plan"].to_invite] == [o.pk for o in argentines]
    assert Invitation.objects.count() == 0  # a preview creates nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**base, "initiative": initiative.pk, "apply": "1"})
    assert done.status_code == 302
    assert set(Invitation.objects.values_list("official__local_government__country", flat=True)) == {"AR"}
    assert Invitation.objects.count() == 2 and len(mail.outbox) == 2


def test_select_all_invites_the_whole_filtered_list(client, django_capture_on_commit_callbacks):
    initiative = f.make_initiative()
    argentines = officials(3, "AR")
    officials(2, "BR")
    client.force_login(f.make_regional_staff())
    url = reverse("admin:authorities_official_changelist") + "?country=AR"
    base = {"action": "invite_to_initiative", ACTION_CHECKBOX_NAME: [argentines[0].pk], "select_across": "1"}
    preview = client.post(url, {**base, "index": 0, "initiative": initiative.pk, "preview": "1"})
    assert len(preview.context["plan"].to_invite) == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**base, "index": 0, "initiative": initiative.pk, "apply": "1"})
    assert Invitation.objects.count() == 3
