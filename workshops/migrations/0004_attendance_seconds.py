"""Attendance stores the fact a report measured, in seconds; the import no longer stores a verdict.

Minutes become seconds (minutes × 60: the seconds lost to the old floor cannot be recovered). An imported row
marked absent was absent only because its time fell under the threshold then: it becomes present, with its
time, and `certificates.eligibility` judges the time against the threshold of today. The threshold an
import applied is no longer kept.
"""

from django.db import migrations, models


def minutes_to_seconds(apps, schema_editor):
    Attendance = apps.get_model("workshops", "Attendance")
    Attendance.objects.filter(minutes__isnull=False).update(seconds=models.F("minutes") * 60)
    Attendance.objects.exclude(source="manual").filter(status="absent").update(status="present")


def seconds_to_minutes(apps, schema_editor):
    Attendance = apps.get_model("workshops", "Attendance")
    Attendance.objects.filter(seconds__isnull=False).update(minutes=models.F("seconds") / 60)


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0003_merge_portal_forms_and_attendance"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="seconds",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Seconds attended, as a participant report measured them; empty when recorded by hand.",
                null=True,
                verbose_name="seconds",
            ),
        ),
        migrations.RunPython(minutes_to_seconds, seconds_to_minutes),
        migrations.RemoveField(model_name="attendance", name="minutes"),
        migrations.RemoveField(model_name="attendanceimport", name="threshold_percent"),
    ]
