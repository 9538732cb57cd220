"""Invitation links stored as digests, and an expiry on every invitation.

The raw tokens of invitations already sent are replaced by their SHA-256, so that their links keep working
(until they expire) while the database no longer holds them. An invitation without an expiry gets the usual
validity counted from this migration: nobody was told an earlier date.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import authorities.models


def hash_tokens_and_set_expiry(apps, schema_editor):
    Invitation = apps.get_model("authorities", "Invitation")
    expiry = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    batch = []
    for invitation in Invitation.objects.only("pk", "token", "expires_at").iterator(chunk_size=2000):
        invitation.token_hash = hashlib.sha256(invitation.token.encode()).hexdigest()
        invitation.token_nonce = secrets.token_urlsafe(24)
        if invitation.expires_at is None:
            invitation.expires_at = expiry
        batch.append(invitation)
        if len(batch) == 2000:
            Invitation.objects.bulk_update(batch, ["token_hash", "token_nonce", "expires_at"])
            batch = []
    Invitation.objects.bulk_update(batch, ["token_hash", "token_nonce", "expires_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0002_export_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="token_nonce",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.RunPython(hash_tokens_and_set_expiry, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="token"),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(
                default=authorities.models.unusable_token_digest,
                editable=False,
                help_text="SHA-256 of the personal link's secret, which only the e-mail holds.",
                max_length=64,
                unique=True,
                verbose_name="link digest",
            ),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="token_nonce",
            field=models.CharField(default=authorities.models.new_invitation_nonce, editable=False, max_length=32),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="expires_at",
            field=models.DateTimeField(
                default=authorities.models.invitation_expiry,
                help_text="The personal link works until then.",
                verbose_name="expires at",
            ),
        ),
    ]
