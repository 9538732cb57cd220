"""The exports read each column's values in one query and resolve each widget once (ScopedExportResource.export):
the same cells as django-import-export's own row-by-row export, in every language, for every resource that
takes that path, in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from import_export import resources

from authorities.enums import Gender, RoleKind
from authorities.resources import InvitationResource, LocalGovernmentResource, OfficialResource
from tests import factories as f
from workshops.enums import AttendanceSource, AttendanceStatus
from workshops.resources import AttendanceResource

pytestmark = pytest.mark.django_db

RESOURCES = [LocalGovernmentResource, OfficialResource, InvitationResource, AttendanceResource]


def make_world(count):
    initiative = f.make_initiative()
    session = f.make_session(f.make_event(initiative))
    for i in range(count):
        government = f.make_government(
            ["AR", "BR", "PE"][i % 3],
            region="" if i % 2 else "Santa Fe",
            latitude=None if i % 2 else -32.95,
            longitude=None if i % 2 else -60.65,
            has_local_mgi=bool(i % 2),
        )
        official = f.make_official(
            government,
            user=f.make_user() if i % 2 else None,
            position="" if i % 3 else "Secretaria",
            role_kind=[RoleKind.MAYOR, RoleKind.OTHER][i % 2],
            gender=["", Gender.FEMALE][i % 2],
            language=["es", "pt-br", "en"][i % 3],
        )
        f.invite(official, initiative)
        f.attend(
            official,
            session,
            status=[AttendanceStatus.PRESENT, AttendanceStatus.ABSENT][i % 2],
            seconds=None if i % 2 else 3_599,
        )
    return initiative


def library_export(resource):
    """django-import-export's own export, a model instance per row and a call per cell."""
    return resources.ModelResource.export(resource)


@pytest.mark.parametrize("resource_class", RESOURCES)
@pytest.mark.parametrize("language", ["es", "pt-br", "en"])
def test_export_gives_the_cells_of_the_librarys_own_export(resource_class, language):
    make_world(6)
    user = f.make_regional_staff()
    with translation.override(language):
        ours, theirs = resource_class(user=user).export(), library_export(resource_class(user=user))
    assert ours.headers == theirs.headers
    assert len(ours) == 6
    assert sorted(map(tuple, ours)) == sorted(map(tuple, theirs))


def test_export_labels_and_values_read_in_words():
    make_world(2)
    with translation.override("es"):
        rows = [
            dict(zip(d.headers, row, strict=True))
            for d in [AttendanceResource(user=f.make_regional_staff()).export()]
            for row in d
        ]
    present = next(row for row in rows if row["minutos"] is not None)
    assert present["minutos"] == 59  # 3,599 seconds: whole minutes
    assert present["estado"] == str(AttendanceStatus.PRESENT.label)
    assert present["origen"] in {str(label) for label in AttendanceSource.labels}
    with translation.override("es"):
        officials = OfficialResource(user=f.make_regional_staff()).export()
    assert sorted(officials["cuenta"]) == ["no", "sí"]
    with translation.override("en"):
        governments = LocalGovernmentResource(user=f.make_regional_staff()).export()
    assert sorted(governments["ISO code"]) == ["AR", "BR"]


def test_export_scope_holds_on_the_fast_path():
    make_world(6)
    with translation.override("es"):
        dataset = OfficialResource(user=f.make_country_staff("BR")).export()
    assert len(dataset) == 2
    assert set(dataset["país"]) == {"Brasil"}


@pytest.mark.parametrize("resource_class", RESOURCES)
def test_export_queries_do_not_grow_with_the_rows(resource_class):
    make_world(2)
    user = f.make_regional_staff()
    resource_class(user=user).export()  # the user's roles, read once per request
    with CaptureQueriesContext(connection) as few:
        resource_class(user=user).export()
    make_world(12)
    with CaptureQueriesContext(connection) as many:
        resource_class(user=user).export()
    assert len(many) == len(few) == 1
