"""Who is asking on an official's page (authorities.mixins.official_and_initiative): the official and the
initiative they take part in now, read together."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alp_portal.generations import written_in_bulk
from authorities.bulk_invitations import invite_officials
from authorities.enums import InvitationStatus
from authorities.mixins import OFFICIALS, official_and_initiative
from authorities.models import Official
from authorities.queries import current_initiative
from authorities.tasks import mark_emailed
from initiative.models import Initiative
from tests import factories as f
from tests.authorities.test_imports import OFFICIAL_HEADER, confirm, csv_file, upload

pytestmark = pytest.mark.django_db


def test_an_invited_official_and_their_newest_initiative_in_one_query(django_assert_num_queries):
    official = f.make_official_user(f.make_government("AR"))
    older, newer, declined = (f.make_initiative(year=year) for year in (2023, 2024, 2025))
    f.invite(official, older, status=InvitationStatus.ACCEPTED)
    f.invite(official, newer)
    f.invite(official, declined, status=InvitationStatus.DECLINED)  # declined: not theirs
    f.invite(f.make_official_user(), f.make_initiative(year=2026))  # another official's
    with django_assert_num_queries(1):
        found, initiative = official_and_initiative(official.user)
        # The government and the official on the user come with it: the page and its navigation ask them.
        assert (found.local_government.name, official.user.official) == (official.local_government.name, found)
    assert (found, initiative) == (official, newer) and initiative == current_initiative(official)


def test_an_official_not_invited_is_found_without_initiative(django_assert_num_queries):
    official = f.make_official_user()
    f.invite(official, f.make_initiative(), status=InvitationStatus.DECLINED)
    with django_assert_num_queries(2):
        assert official_and_initiative(official.user) == (official, None)


def test_staff_and_anonymous_are_no_official(django_assert_num_queries):
    staff = f.make_regional_staff()
    assert official_and_initiative(staff) == (None, None)
    with django_assert_num_queries(0):  # remembered: the navigation's `user.official` does not ask again
        assert getattr(staff, "official", None) is None
    assert official_and_initiative(AnonymousUser()) == (None, None)


# Kept in the shared cache for the pages that only read (issue 14, item 2).


def kept(user):
    return official_and_initiative(user, kept=True)


def invited_official():
    initiative = f.make_initiative(year=2025, stage="workshop")
    return f.make_portal_official(initiative, f.make_government("AR", name="Rosario"), first_name="Ana"), initiative


def test_kept_the_second_time_with_no_query(django_assert_num_queries):
    official, initiative = invited_official()
    assert kept(official.user) == (official, initiative)
    user = get_user_model().objects.get(pk=official.user.pk)  # the next request's user
    with django_assert_num_queries(0):
        found, current = kept(user)
        assert (found.local_government.name, current.stage, user.official) == ("Rosario", "workshop", found)
    assert (found, current) == (official, initiative)


def rename_official(official, initiative):
    official.first_name = "Beatriz"
    official.save()
    return lambda found, current: found.first_name == "Beatriz"


def rename_government(official, initiative):
    official.local_government.name = "Rosario (editado)"
    official.local_government.save()
    return lambda found, current: found.local_government.name == "Rosario (editado)"


def move_the_stage(official, initiative):
    initiative.stage = "certification"
    initiative.save()
    return lambda found, current: current.stage == "certification"


def decline_the_invitation(official, initiative):
    invitation = official.invitations.get()
    invitation.status = InvitationStatus.DECLINED
    invitation.save()
    return lambda found, current: (found, current) == (official, None)


def invite_to_a_newer_one(official, initiative):
    newer = f.make_initiative(year=2026)
    f.invite(official, newer)
    return lambda found, current: current == newer


def unlink_the_account(official, initiative):
    official.user = None
    official.save()
    return lambda found, current: (found, current) == (None, None)


@pytest.mark.parametrize(
    "change",
    [
        rename_official,
        rename_government,
        move_the_stage,
        decline_the_invitation,
        invite_to_a_newer_one,
        unlink_the_account,
    ],
)
def test_kept_until_the_official_their_government_invitations_or_initiative_change(change):
    official, initiative = invited_official()
    user = official.user
    kept(user)
    seen = change(official, initiative)
    assert seen(*kept(get_user_model().objects.get(pk=user.pk)))


def test_a_page_that_writes_reads_the_rows_not_the_copy(client):
    """A change that no signal announced (raw SQL, say) is not seen by the kept copy; the pages that write (a POST)
    read the rows themselves, so that what they decide never rests on it."""
    official, initiative = invited_official()
    kept(official.user)
    Initiative.objects.filter(pk=initiative.pk).update(stage="dissemination")  # not announced
    assert kept(official.user)[1].stage == "workshop"
    assert official_and_initiative(official.user)[1].stage == "dissemination"
    client.force_login(official.user)
    for method in ("get", "post"):
        with CaptureQueriesContext(connection) as queries:
            getattr(client, method)(reverse("profile"))
        read = any('FROM "authorities_invitation"' in q["sql"] for q in queries.captured_queries)
        assert read == (method == "post"), method


def test_bulk_invitations_are_seen_on_the_next_page(client, django_capture_on_commit_callbacks):
    official = f.make_official_user(f.make_government("AR"), first_name="Ana")
    initiative = f.make_initiative(name="ALP 2027")
    client.force_login(official.user)
    assert "ALP 2027" not in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        invite_officials(
            officials=Official.objects.filter(pk=official.pk), initiative=initiative, by=f.make_regional_staff()
        )
    assert kept(official.user)[1] == initiative
    assert "ALP 2027" in client.get(reverse("home")).content.decode()


def test_an_officials_import_is_seen_on_the_next_page(client):
    official, _initiative = invited_official()
    official.email, official.position = "ana@example.org", "Directora"
    official.save()
    client.force_login(official.user)
    assert "Directora" in client.get(reverse("home")).content.decode()
    staff = Client()
    staff.force_login(f.make_regional_staff())
    row = ["Ana", official.last_name, "ana@example.org", "Intendenta", "Rosario", "AR"]
    preview = upload(staff, "official", csv_file([OFFICIAL_HEADER, row]))
    assert preview.context["counts"]["updated"] == 1
    assert confirm(staff, "official", preview).status_code == 302
    assert "Intendenta" in client.get(reverse("home")).content.decode()  # written by update_each, in bulk


def test_written_in_bulk_starts_a_new_generation_of_those_that_follow_the_model():
    from alp_portal.access import ACCESS
    from initiative.home import EVENT_SESSIONS

    for generation in (ACCESS, OFFICIALS, EVENT_SESSIONS):
        generation.kept("x", lambda: 1)
    before = {g.name: cache.get(g.key) for g in (ACCESS, OFFICIALS, EVENT_SESSIONS)}
    written_in_bulk(Official)
    after = {g.name: cache.get(g.key) for g in (ACCESS, OFFICIALS, EVENT_SESSIONS)}
    assert [name for name in before if before[name] != after[name]] == [OFFICIALS.name]
    written_in_bulk(get_user_model(), Initiative)
    again = {g.name: cache.get(g.key) for g in (ACCESS, OFFICIALS, EVENT_SESSIONS)}
    assert all(again[name] != after[name] for name in again)


def test_the_mail_worker_marking_invitations_e_mailed_announces_it():
    official, _initiative = invited_official()
    kept(official.user)
    token = cache.get(OFFICIALS.key)
    mark_emailed([official.invitations.get()])
    assert cache.get(OFFICIALS.key) != token


def test_forget_kept_values_after_rows_changed_by_hand():
    official, initiative = invited_official()
    kept(official.user)
    Initiative.objects.filter(pk=initiative.pk).update(stage="dissemination")  # as in psql
    call_command("forget_kept_values", stdout=StringIO())
    assert kept(official.user)[1].stage == "dissemination"


def test_each_user_is_given_their_own_official_never_anothers(client):
    initiative = f.make_initiative(year=2025, stage="workshop")
    ana = f.make_portal_official(initiative, f.make_government("AR", name="Rosario"), first_name="Ana")
    joao = f.make_portal_official(initiative, f.make_government("BR", name="Curitiba"), first_name="João")
    for official, other in [(ana, joao), (joao, ana), (ana, joao), (joao, ana)]:
        client.force_login(official.user)
        page = client.get(reverse("home")).content.decode()
        assert official.local_government.name in page and other.local_government.name not in page
        assert kept(get_user_model().objects.get(pk=official.user.pk))[0] == official
