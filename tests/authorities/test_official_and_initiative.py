"""Who is asking on an official's page (authorities.mixins.official_and_initiative): the official and the
initiative they take part in now, read together."""

import pytest
from django.contrib.auth.models import AnonymousUser

from authorities.enums import InvitationStatus
from authorities.mixins import official_and_initiative
from authorities.queries import current_initiative
from tests import factories as f

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
