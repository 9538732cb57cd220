"""The admin's filters on related rows keep their choices until those rows change (alp_portal/admin_filters.py):
the same choices as Django's own filter, in each language, read once per change."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from alp_portal import admin_filters
from alp_portal.admin_filters import KeptRelatedFieldListFilter
from initiative.cloning import clone_initiative
from initiative.models import Initiative, Objective
from tests import factories as f
from workshops.enums import EventKind
from workshops.models import Attendance, Event

pytestmark = pytest.mark.django_db

ATTENDANCE = "/admin/workshops/attendance/"


def relation_filters():
    """(model, model admin, path, field) of every relation filter named by its path in a registered list."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            path = entry[0] if isinstance(entry, (list, tuple)) else entry
            if isinstance(path, str):
                field = get_fields_from_path(model, path)[-1]
                if field.is_relation:
                    found.append((model, model_admin, path, field))
    return found


def test_every_relation_filter_is_kept_and_its_model_followed():
    filters = relation_filters()
    assert {field.related_model for *_, field in filters} >= {Initiative, Event, Objective, Group, ContentType}
    for model, model_admin, path, field in filters:
        request = RequestFactory().get("/")
        request.user = f.make_user(is_staff=True, is_superuser=True)
        spec = admin.FieldListFilter.create(field, request, {}, model, model_admin, field_path=path)
        assert type(spec) is KeptRelatedFieldListFilter, (model, path)
        assert field.related_model in admin_filters.CHOICES.models


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_choices_are_djangos_own(language):
    initiative = f.make_initiative(name="ALP Andes")
    f.make_event(initiative, title="Lanzamiento")
    f.make_event(f.make_initiative(name="ALP Cono Sur"), title="Taller 1")
    request = RequestFactory().get("/")
    request.user = f.make_user(is_staff=True, is_superuser=True)
    with translation.override(language):
        for model, model_admin, path, field in relation_filters():
            for _ in range(2):  # read, then kept
                kept = KeptRelatedFieldListFilter(field, request, {}, model, model_admin, field_path=path)
                django = admin.RelatedFieldListFilter(field, request, {}, model, model_admin, field_path=path)
                assert kept.lookup_choices == django.lookup_choices, (model, path)


def event_queries(queries):
    return [q["sql"] for q in queries if q["sql"].split(" FROM ")[1].startswith(('"workshops_event"', '"initiative_'))]


def test_the_attendance_list_reads_initiatives_and_events_once_per_change(client):
    initiative = f.make_initiative(name="ALP Andes")
    event = f.make_event(initiative, title="Lanzamiento andino")
    f.make_event(f.make_initiative(name="ALP Cono Sur"), title="Taller sureño")  # a filter lists two or more
    f.attend(f.make_official(), f.make_session(event))
    client.force_login(f.make_regional_staff())
    client.get(ATTENDANCE)
    with CaptureQueriesContext(connection) as page:
        response = client.get(ATTENDANCE)
    assert "Lanzamiento andino" in response.text and "ALP Andes" in response.text
    assert event_queries(page.captured_queries) == []

    event.title = "Lanzamiento de los Andes"
    event.save()
    f.make_event(initiative, kind=EventKind.WORKSHOP, title="Taller andino")
    with CaptureQueriesContext(connection) as page:
        response = client.get(ATTENDANCE)
    assert "Lanzamiento de los Andes" in response.text and "Taller andino" in response.text
    assert "Lanzamiento andino" not in response.text
    assert len(event_queries(page.captured_queries)) == 2  # read again: the initiatives, the events

    Event.objects.filter(title="Taller andino").delete()
    initiative.name = "ALP Altiplano"
    initiative.save()
    response = client.get(ATTENDANCE)
    assert "Taller andino" not in response.text and "ALP Altiplano" in response.text


def test_a_cloned_cohorts_events_are_in_the_filters(client):
    """Cloning writes the events in bulk (no signal), in the transaction that saves the new initiative: the
    initiative's save starts a new generation when it commits, after the events are written."""
    source = f.make_initiative(name="ALP 2023")
    f.make_session(f.make_event(source, title="Lanzamiento 2023"))
    f.make_event(source, kind=EventKind.WORKSHOP, title="Taller 2023")  # a filter lists two or more
    staff = f.make_regional_staff()
    client.force_login(staff)
    assert "Lanzamiento 2023" in client.get(ATTENDANCE).text
    # No signal: the kept choices still say "Lanzamiento 2023" until the clone's new generation.
    Event.objects.filter(initiative=source, title="Lanzamiento 2023").update(title="Lanzamiento")
    new = clone_initiative(
        source=source, name="ALP 2027", year=2027, region="América del Sur", launch_date=date(2027, 8, 10), by=staff
    )
    response = client.get(ATTENDANCE)
    assert set(new.events.values_list("title", flat=True)) == {"Lanzamiento", "Taller 2023"}
    assert "ALP 2027" in response.text and "Lanzamiento 2023" not in response.text
    assert response.text.count(">Lanzamiento</a>") == 2  # the source's event as it is now, and its copy


def test_filters_on_unfollowed_models_read_as_django_does(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(admin_filters.CHOICES, "models", set())
    field = Attendance._meta.get_field("session").related_model._meta.get_field("event")
    request = RequestFactory().get("/")
    request.user = f.make_user(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[Attendance]
    for _ in range(2):
        with django_assert_num_queries(1):
            KeptRelatedFieldListFilter(field, request, {}, Attendance, model_admin, field_path="session__event")
