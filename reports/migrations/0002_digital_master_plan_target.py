"""The Digital Master Plan's target as the first national training target (staff may change it
in the admin: its only source is the plan as reported, unconfirmed)."""

import datetime

from django.db import migrations


def add_target(apps, schema_editor):
    TrainingTarget = apps.get_model("reports", "TrainingTarget")
    if not TrainingTarget.objects.exists():
        TrainingTarget.objects.create(
            name="Kenya National Digital Master Plan 2022–2032: public servants trained",
            officers=300_000,
            deadline=datetime.date(2032, 12, 31),
            source="Kenya National Digital Master Plan 2022-2032 (launched April 2022); "
            "a single source, unconfirmed",
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(add_target, migrations.RunPython.noop)]
