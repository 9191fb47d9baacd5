"""Enrollment.course: the cohort's course on the enrolment, so that a unique index can hold the
rule "one active enrolment per officer and course" (it replaces the officer's row lock)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_course_from_cohort(apps, schema_editor):
    Enrollment = apps.get_model("enrollments", "Enrollment")
    Cohort = apps.get_model("courses", "Cohort")
    Enrollment.objects.update(
        course_id=Subquery(Cohort.objects.filter(pk=OuterRef("cohort_id")).values("course_id"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_course_search_document"),
        ("enrollments", "0005_results_attendance_and_quotas"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrollment",
            name="course",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="courses.course",
                verbose_name="course",
            ),
        ),
        migrations.RunPython(copy_course_from_cohort, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="enrollment",
            name="course",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="courses.course",
                verbose_name="course",
            ),
        ),
        migrations.AddConstraint(
            model_name="enrollment",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("state__in", ("requested", "approved", "enrolled", "waitlisted"))
                ),
                fields=("officer", "course"),
                name="enrollment_one_active_per_officer_and_course",
            ),
        ),
    ]
