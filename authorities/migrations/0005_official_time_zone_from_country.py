from django.db import migrations, models

# Frozen here as they were when this migration was written (authorities/time_zones.py may grow).
COUNTRY_TIME_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "BO": "America/La_Paz",
    "BR": "America/Sao_Paulo",
    "CL": "America/Santiago",
    "CO": "America/Bogota",
    "EC": "America/Guayaquil",
    "FK": "Atlantic/Stanley",
    "GF": "America/Cayenne",
    "GY": "America/Guyana",
    "PE": "America/Lima",
    "PY": "America/Asuncion",
    "SR": "America/Paramaribo",
    "UY": "America/Montevideo",
    "VE": "America/Caracas",
    "MX": "America/Mexico_City",
    "GT": "America/Guatemala",
    "HN": "America/Tegucigalpa",
    "SV": "America/El_Salvador",
    "NI": "America/Managua",
    "CR": "America/Costa_Rica",
    "PA": "America/Panama",
    "CU": "America/Havana",
    "DO": "America/Santo_Domingo",
    "HT": "America/Port-au-Prince",
    "TT": "America/Port_of_Spain",
}


def give_country_zones(apps, schema_editor):
    """Officials who never chose a time zone get their country's (they saw the portal's, Buenos Aires')."""
    Official = apps.get_model("authorities", "Official")
    for code, zone in COUNTRY_TIME_ZONES.items():
        Official.objects.filter(time_zone="", local_government__country=code).update(time_zone=zone)


class Migration(migrations.Migration):
    dependencies = [("authorities", "0004_pending_mapping_import")]

    operations = [
        migrations.AlterField(
            model_name="official",
            name="time_zone",
            field=models.CharField(
                blank=True,
                help_text="For example America/Lima. Empty: the capital's of the official's country.",
                max_length=64,
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(give_country_zones, migrations.RunPython.noop),
    ]
