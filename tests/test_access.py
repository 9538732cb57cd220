"""Who is asking is read once per change of access (alp_portal/access.py): an admin page makes none of the role,
permission and second-factor queries when nothing changed, and every change takes effect on the next page."""

import importlib
from types import SimpleNamespace

import pytest
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_migrate
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from alp_portal import access as access_module
from alp_portal.access import ACCESS, access
from alp_portal.roles import REGIONAL_STAFF_GROUP, is_country_staff, is_regional_staff, staff_countries
from tests import factories as f

pytestmark = pytest.mark.django_db

ACCESS_TABLES = ("auth_group", "auth_permission", "mfa_authenticator", "authorities_countryoffice")


def fresh(user):
    """The user as the next request loads them: a new object, nothing kept on it."""
    return get_user_model().objects.get(pk=user.pk)


def access_queries(queries):
    return [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in ACCESS_TABLES)]


def test_the_second_admin_page_reads_no_role_permission_or_authenticator(client):
    staff = f.make_regional_staff()
    client.force_login(staff)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/admin/authorities/official/").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/admin/authorities/official/").status_code == 200
    assert len(access_queries(first.captured_queries)) == 5  # group, offices, two permission reads, authenticator
    assert access_queries(second.captured_queries) == []
    # Five fewer, and three more the officials list keeps: its count, its countries and its page's ids
    # (alp_portal/admin_reads.py).
    assert len(second.captured_queries) == len(first.captured_queries) - 5 - 3


def test_facts_are_what_the_database_says():
    regional = f.make_regional_staff()
    country = f.make_country_staff("PE")
    f.make_country_office("CL").staff.add(country)
    plain_staff = f.make_user(is_staff=True)
    country.user_permissions.add(Permission.objects.get(codename="view_user"))

    assert access(fresh(regional)) == access_module.Access(
        regional=True, countries=frozenset(), user_permissions=frozenset(), group_permissions=frozenset(),
        second_factor=True,
    )  # fmt: skip
    assert access(fresh(country)) == access_module.Access(
        regional=False, countries=frozenset({"PE", "CL"}), user_permissions=frozenset({"auth.view_user"}),
        group_permissions=frozenset(), second_factor=True,
    )  # fmt: skip
    assert access(fresh(plain_staff)).second_factor is False
    assert is_country_staff(fresh(country)) and staff_countries(fresh(country)) == {"PE", "CL"}


def test_permissions_are_djangos_own_and_cost_no_query_once_kept(django_assert_num_queries):
    staff = f.make_country_staff("AR")
    group = Group.objects.create(name="Account managers")
    group.permissions.add(Permission.objects.get(codename="change_user"))
    staff.groups.add(group)
    staff.user_permissions.add(Permission.objects.get(codename="view_group"))
    superuser = f.make_user(is_staff=True, is_superuser=True)

    for user in (staff, superuser):
        expected = ModelBackend().get_all_permissions(fresh(user))
        from_user = ModelBackend().get_user_permissions(fresh(user))
        from_groups = ModelBackend().get_group_permissions(fresh(user))
        access(fresh(user))  # kept
        reader = fresh(user)
        with django_assert_num_queries(0):
            access(reader)
            assert reader.get_all_permissions() == expected
            assert reader.get_user_permissions() == from_user
            assert reader.get_group_permissions() == from_groups
            assert reader.has_perm("auth.change_user") and reader.has_module_perms("auth")
    assert len(expected) == Permission.objects.count()  # the superuser's: every permission


def _remove_from_group(user):
    user.groups.remove(Group.objects.get(name=REGIONAL_STAFF_GROUP))


def _group_drops_member(user):
    Group.objects.get(name=REGIONAL_STAFF_GROUP).user_set.remove(user)


def _rename_group(user):
    group = Group.objects.get(name=REGIONAL_STAFF_GROUP)
    group.name = "Former regional staff"
    group.save()


def _delete_group(user):
    Group.objects.get(name=REGIONAL_STAFF_GROUP).delete()


@pytest.mark.parametrize("change", [_remove_from_group, _group_drops_member, _rename_group, _delete_group])
def test_losing_the_regional_role_takes_effect_on_the_next_request(change):
    staff = f.make_regional_staff()
    assert is_regional_staff(fresh(staff))
    change(staff)
    assert not is_regional_staff(fresh(staff))


def _leave_office(user):
    f.make_country_office("AR").staff.remove(user)


def _office_leaves_user(user):
    user.country_offices.clear()


def _office_moves(user):
    office = f.make_country_office("AR")
    office.country = "UY"
    office.save()


def _office_deleted(user):
    f.make_country_office("AR").delete()


@pytest.mark.parametrize(
    "change, countries",
    [(_leave_office, set()), (_office_leaves_user, set()), (_office_moves, {"UY"}), (_office_deleted, set())],
)
def test_a_change_of_country_office_takes_effect_on_the_next_request(change, countries):
    staff = f.make_country_staff("AR")
    assert staff_countries(fresh(staff)) == {"AR"}
    change(staff)
    assert staff_countries(fresh(staff)) == countries


def test_a_change_of_permissions_takes_effect_on_the_next_request():
    staff = f.make_country_staff("AR")
    view_user = Permission.objects.get(codename="view_user")
    assert not fresh(staff).has_perm("auth.view_user")
    staff.user_permissions.add(view_user)
    assert fresh(staff).has_perm("auth.view_user")
    staff.user_permissions.remove(view_user)
    assert not fresh(staff).has_perm("auth.view_user")

    group = Group.objects.create(name="Readers")
    staff.groups.add(group)
    assert not fresh(staff).has_perm("auth.view_user")
    group.permissions.add(view_user)
    assert fresh(staff).has_perm("auth.view_user")
    view_user.delete()
    assert not fresh(staff).has_perm("auth.view_user")

    staff.is_superuser = True
    staff.save()
    assert fresh(staff).has_perm("auth.change_group")


def test_an_authenticator_removed_sends_staff_back_to_set_one_up(client):
    staff = f.make_regional_staff()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    Authenticator.objects.filter(user=staff, type="totp").delete()
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    f.give_mfa(staff)
    assert client.get("/admin/").status_code == 200


def test_a_change_while_facts_are_read_is_never_served(monkeypatch):
    """A page reads the facts while an administrator takes the role away: what it read is stored under the
    generation the change replaced, so the next page reads again."""
    staff = f.make_regional_staff()
    reads = []
    original = access_module._read

    def read_during_a_change(user):
        facts = original(user)  # the role, as it was
        if not reads:
            _remove_from_group(staff)  # committed meanwhile by someone else
        reads.append(facts)
        return facts

    monkeypatch.setattr(access_module, "_read", read_during_a_change)
    assert access(fresh(staff)).regional  # this page saw the old role
    assert not is_regional_staff(fresh(staff))  # the next one does not
    assert len(reads) == 2


def test_the_generation_changes_again_when_the_change_commits(django_capture_on_commit_callbacks):
    staff = f.make_country_staff("AR")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    during = cache.get(ACCESS.key)
    for callback in callbacks:
        callback()
    assert cache.get(ACCESS.key) != during


def test_an_emptied_cache_is_read_again():
    staff = f.make_regional_staff()
    assert is_regional_staff(fresh(staff))
    cache.clear()
    _remove_from_group(staff)
    cache.clear()  # the change's new generation lost too
    assert not is_regional_staff(fresh(staff))


def test_migrations_start_a_new_generation():
    """New permissions are created in bulk after migrations (no signals): the superuser's set must be read again."""
    before = cache.get(ACCESS.key)
    post_migrate.send(
        sender=apps.get_app_config("alp_portal"),
        app_config=apps.get_app_config("alp_portal"),
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert cache.get(ACCESS.key) not in (None, before)


def test_the_cache_table_is_created_by_migrate():
    migration = importlib.import_module("alp_portal.migrations.0002_cache_table")
    table = "alp_cache_probe"
    caches = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}}
    with override_settings(CACHES=caches):
        migration.create_cache_tables(apps, SimpleNamespace(connection=connection))
        migration.create_cache_tables(apps, SimpleNamespace(connection=connection))  # twice: left as it is
    assert table in connection.introspection.table_names()


def test_kept_in_the_database_cache_that_every_process_shares():
    """As in production: the facts and their generation are rows of the cache table, so a change made through one
    process is seen by every other on its next page."""
    migration = importlib.import_module("alp_portal.migrations.0002_cache_table")
    caches = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "alp_cache_shared"}}
    with override_settings(CACHES=caches):
        migration.create_cache_tables(apps, SimpleNamespace(connection=connection))
        staff = f.make_regional_staff()
        assert is_regional_staff(fresh(staff))
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM alp_cache_shared")
            keys = {row[0] for row in cursor.fetchall()}
        assert any(key.endswith(ACCESS.key) for key in keys) and any("alp:kept:access:" in key for key in keys)
        _remove_from_group(staff)
        assert not is_regional_staff(fresh(staff))
