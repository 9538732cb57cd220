"""The export log in the admin: read only, and each country office sees its own country's exports."""

import pytest
from django.urls import reverse

from authorities.models import ExportLog
from authorities.services import record_export
from tests import factories as f

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "official_a", "official_b", "country_x", "country_y", "regional"]


@pytest.fixture
def world():
    users = {
        "anonymous": None,
        "official_a": f.make_official_user(f.make_government("AR")).user,
        "official_b": f.make_official_user(f.make_government("BR")).user,
        "country_x": f.make_country_staff("AR"),
        "country_y": f.make_country_staff("BR"),
        "regional": f.make_regional_staff(),
    }
    logs = {
        "a": record_export(user=users["country_x"], kind="officials", country="AR", rows=3, file_format="csv"),
        "b": record_export(user=users["country_y"], kind="attendance", country="BR", rows=5, file_format="xlsx"),
        "all": record_export(user=users["regional"], kind="participants", rows=8, file_format="csv"),
    }
    return {"users": users, "logs": logs}


VISIBLE = {"country_x": ["a"], "country_y": ["b"], "regional": ["a", "all", "b"]}


@pytest.mark.parametrize("role", ROLES)
def test_export_log_changelist_by_role(client, world, role):
    if world["users"][role]:
        client.force_login(world["users"][role])
    response = client.get(reverse("admin:authorities_exportlog_changelist"))
    if role not in VISIBLE:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    shown = sorted(response.context["cl"].result_list, key=lambda log: log.pk)
    assert shown == sorted((world["logs"][key] for key in VISIBLE[role]), key=lambda log: log.pk)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("side", ["a", "b", "all"])
def test_export_log_change_page_by_role(client, world, role, side):
    if world["users"][role]:
        client.force_login(world["users"][role])
    response = client.get(reverse("admin:authorities_exportlog_change", args=[world["logs"][side].pk]))
    if role not in VISIBLE:
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if side in VISIBLE[role] else 404)


@pytest.mark.parametrize("role", ["country_x", "regional"])
def test_export_log_cannot_be_added_or_deleted(client, world, role):
    client.force_login(world["users"][role])
    assert client.get(reverse("admin:authorities_exportlog_add")).status_code == 403
    log = world["logs"]["a"]
    assert client.post(reverse("admin:authorities_exportlog_delete", args=[log.pk]), {"post": "yes"}).status_code == 403
    assert ExportLog.objects.filter(pk=log.pk).exists()
