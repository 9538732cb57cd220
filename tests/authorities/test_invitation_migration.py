"""Migration 0003 on invitations stored before it: raw tokens become digests (their links keep working until they
expire), and an invitation without an expiry gets one. Run on SQLite and on PostgreSQL (CI)."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from authorities.models import Invitation
from tests import factories as f

BEFORE = [("authorities", "0002_export_log")]


@pytest.fixture
def before_migration():
    """The database as it was before 0003 (the other apps as they are), put back to the latest afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_hashes_raw_tokens_and_gives_an_expiry(client, before_migration):
    initiative = f.make_initiative(name="ALP Cono Sur 2024")
    ana = f.make_official(f.make_government("AR", name="Rosario"), first_name="Ana", email="ana@rosario.example")
    luis = f.make_official(f.make_government("UY", name="Salto"), first_name="Luis")
    old_expiry = timezone.now() - timedelta(days=2)
    OldInvitation = before_migration.get_model("authorities", "Invitation")
    for official, token, expires_at in ((ana, "old-raw-token-ana", None), (luis, "old-raw-token-luis", old_expiry)):
        OldInvitation.objects.create(
            official_id=official.pk,
            initiative_id=initiative.pk,
            status="sent",
            sent_at=timezone.now() - timedelta(days=90),
            token=token,
            expires_at=expires_at,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    migrated_at = timezone.now()

    ana_invitation = Invitation.objects.get(official=ana)
    assert ana_invitation.token_hash == hashlib.sha256(b"old-raw-token-ana").hexdigest()
    # No expiry before: the usual 30 days, counted from the upgrade.
    assert migrated_at + timedelta(days=29) < ana_invitation.expires_at <= migrated_at + timedelta(days=30)
    luis_invitation = Invitation.objects.get(official=luis)
    assert luis_invitation.token_hash == hashlib.sha256(b"old-raw-token-luis").hexdigest()
    assert luis_invitation.expires_at == old_expiry
    assert ana_invitation.token_nonce != luis_invitation.token_nonce
    # The old link still opens the invitation; the expired one says so.
    page = client.get(reverse("invitation_accept", args=["old-raw-token-ana"]), HTTP_ACCEPT_LANGUAGE="en")
    assert (page.status_code, page.context["official"]) == (200, ana)
    expired = client.get(reverse("invitation_accept", args=["old-raw-token-luis"]), HTTP_ACCEPT_LANGUAGE="en")
    assert type(expired.context["error"]).__name__ == "InvitationExpired"
