"""An official's time zone is their country's until they choose another (issue 15, item 5): new officials,
imported ones, a profile saved with the zone left empty, and existing officials through migration 0005."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from authorities import imports
from authorities.models import Official
from authorities.services import import_mapping
from authorities.spreadsheets import Table
from authorities.time_zones import country_time_zone
from tests import factories as f


@pytest.mark.parametrize(
    ("country", "zone"),
    [
        ("PE", "America/Lima"),
        ("EC", "America/Guayaquil"),
        ("BR", "America/Sao_Paulo"),
        ("AR", "America/Argentina/Buenos_Aires"),
    ],
)
@pytest.mark.django_db
def test_a_new_official_gets_the_capitals_zone(country, zone):
    official = f.make_official(f.make_government(country))
    assert Official.objects.get(pk=official.pk).time_zone == zone


@pytest.mark.django_db
def test_a_chosen_zone_is_kept_and_an_unknown_country_gets_the_portals(settings):
    assert f.make_official(f.make_government("PE"), time_zone="America/Bogota").time_zone == "America/Bogota"
    assert country_time_zone("ES") == settings.TIME_ZONE


@pytest.mark.django_db
def test_imported_officials_get_their_countrys_zone():
    regional = f.make_regional_staff()
    f.make_government("PE", name="Lima Metropolitana")
    table = Table(
        headers=["first_name", "last_name", "email", "local_government", "country"],
        rows=[(2, ["Rosa", "Quispe", "rosa@lima.example", "Lima Metropolitana", "PE"])],
    )
    plan = imports.plan_import(kind="officials", table=table, user=regional)
    assert plan.is_valid, plan.issues
    import_mapping(plan=plan, by=regional)
    assert Official.objects.get(email="rosa@lima.example").time_zone == "America/Lima"


@pytest.mark.django_db
def test_the_profile_shows_the_countrys_zone_and_an_empty_choice_means_it(client):
    official = f.make_official_user(f.make_government("EC", name="Quito"))
    client.force_login(official.user)
    page = client.get(reverse("profile"))
    assert page.context["form"]["time_zone"].value() == "America/Guayaquil"
    data = {name: page.context["form"][name].value() or "" for name in page.context["form"].fields}
    data["time_zone"] = ""
    assert client.post(reverse("profile"), data).status_code == 302
    official.refresh_from_db()
    assert official.time_zone == "America/Guayaquil"


@pytest.mark.django_db(transaction=True)
def test_migration_gives_existing_officials_their_countrys_zone():
    executor = MigrationExecutor(connection)
    before = [("authorities", "0004_pending_mapping_import")]
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        Government = apps.get_model("authorities", "LocalGovernment")
        OldOfficial = apps.get_model("authorities", "Official")
        lima = Government.objects.create(name="Lima", country="PE")
        quito = Government.objects.create(name="Quito", country="EC")
        plain = OldOfficial.objects.create(first_name="A", last_name="B", email="a@lima.example", local_government=lima)
        chose = OldOfficial.objects.create(
            first_name="C", last_name="D", email="c@quito.example", local_government=quito, time_zone="America/Bogota"
        )
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        assert dict(Official.objects.filter(pk__in=[plain.pk, chose.pk]).values_list("email", "time_zone")) == {
            "a@lima.example": "America/Lima",
            "c@quito.example": "America/Bogota",
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_an_official_stored_without_a_zone_is_shown_their_countrys():
    from authorities.preferences import time_zone_name

    official = f.make_official(f.make_government("PE"))
    Official.objects.filter(pk=official.pk).update(time_zone="")  # as a fixture loads it: no save()
    assert time_zone_name(Official.objects.select_related("local_government").get(pk=official.pk)) == "America/Lima"
