"""The GCM reference data (23 objectives, 10 guiding principles), the handbook's good practices, and the
group that marks regional staff. Read from fixtures/ so that the data has one source."""

import json
from pathlib import Path

from django.db import migrations

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"


def load(apps, schema_editor):
    Objective = apps.get_model("initiative", "Objective")
    GuidingPrinciple = apps.get_model("initiative", "GuidingPrinciple")
    GoodPractice = apps.get_model("initiative", "GoodPractice")
    Group = apps.get_model("auth", "Group")

    gcm = json.loads((FIXTURES / "gcm.json").read_text(encoding="utf-8"))
    for item in gcm["objectives"]:
        Objective.objects.update_or_create(
            number=item["number"],
            defaults={
                "label_es": item.get("label_es", ""),
                "title_es": item["es"],
                "title_pt": item["pt"],
                "title_en": item["en"],
            },
        )
    for item in gcm["guiding_principles"]:
        GuidingPrinciple.objects.update_or_create(
            number=item["number"],
            defaults={"title_es": item["es"], "title_pt": item["pt"], "title_en": item["en"]},
        )
    practices = json.loads((FIXTURES / "good_practices.json").read_text(encoding="utf-8"))
    for item in practices:
        practice, _ = GoodPractice.objects.update_or_create(
            title=item["title"],
            defaults={
                "place": item["place"],
                "country": item["country"],
                "period": item["period"],
                "description": item["description"],
                "from_handbook": True,
            },
        )
        practice.objectives.set(Objective.objects.filter(number__in=item["objectives"]))
    Group.objects.get_or_create(name="Regional staff")


class Migration(migrations.Migration):
    dependencies = [
        ("initiative", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
