"""The data migration of issue 11.3: recognitions left "issued" without their PDF become pending, and the item
that issues each is left for a resume to finish."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("certificates", "0005_open_badges_credentials")]
AFTER = [("certificates", "0006_pending_until_pdf_recorded")]


def migrate(certificates_at):
    """Migrate certificates to `certificates_at`, every other app to its latest: the models as they are then."""
    executor = MigrationExecutor(connection)
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "certificates"] + certificates_at
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_migration_makes_issued_without_pdf_pending_and_its_item_retryable():
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Initiative = apps.get_model("initiative", "Initiative")
    LocalGovernment = apps.get_model("authorities", "LocalGovernment")
    Recognition = apps.get_model("certificates", "Recognition")
    IssuanceBatch = apps.get_model("certificates", "IssuanceBatch")
    IssuanceItem = apps.get_model("certificates", "IssuanceItem")
    staff = User.objects.create(username="regional@iom.test", email="regional@iom.test")
    initiative = Initiative.objects.create(name="ALP 2026", slug="alp-2026", year=2026)
    places = [LocalGovernment.objects.create(name=name, country="AR") for name in ("Rosario", "Quilmes", "Salta")]

    def recognition(government, **fields):
        return Recognition.objects.create(
            initiative=initiative,
            kind="government",
            local_government=government,
            holder_name=government.name,
            issued_at=timezone.now(),
            issued_by=staff,
            code=f"CODE-{government.name}",
            **fields,
        )

    whole = recognition(places[0], pdf="recognitions/1/whole.pdf", pdf_sha256="a" * 64)
    stranded = recognition(places[1])  # "issued", its PDF never recorded
    revoked = recognition(places[2], status="revoked", revoked_at=timezone.now(), revocation_reason="Error")
    batch = IssuanceBatch.objects.create(initiative=initiative, requested_by=staff, status="finished", total=2, done=2)
    items = [
        IssuanceItem.objects.create(
            batch=batch, kind="government", local_government=r.local_government, recognition=r, status="issued"
        )
        for r in (whole, stranded)
    ]

    apps = migrate(AFTER)

    Recognition = apps.get_model("certificates", "Recognition")
    assert dict(Recognition.objects.values_list("code", "status")) == {
        "CODE-Rosario": "issued",
        "CODE-Quilmes": "pending",
        "CODE-Salta": "revoked",
    }
    IssuanceItem = apps.get_model("certificates", "IssuanceItem")
    assert [IssuanceItem.objects.filter(pk=item.pk).values_list("status", "failure").get() for item in items] == [
        ("issued", ""),
        ("failed", "store"),
    ]
    assert apps.get_model("certificates", "IssuanceBatch").objects.values_list("done", "failed").get() == (1, 1)
    assert revoked.pk in Recognition.objects.values_list("pk", flat=True)

    migrate([node for node in MigrationExecutor(connection).loader.graph.leaf_nodes() if node[0] == "certificates"])
