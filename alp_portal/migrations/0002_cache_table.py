"""The shared cache's table (settings.CACHES), created with the schema: the values kept until their rows change
(alp_portal/generations.py) start a new generation in the cache after every migration (post_migrate), before
anyone could run `createcachetable`."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Idempotent: an existing table is left as it is; caches that are not database tables are skipped.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("alp_portal", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
