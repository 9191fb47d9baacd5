"""URLs of enrollments.views_imports (joined into enrollments.urls)."""

from django.urls import path

from enrollments import views_imports

urlpatterns = [
    path("nominations/", views_imports.nomination_cohorts, name="nominate_cohorts"),
    path("nominations/cohorts/<int:pk>/", views_imports.nominate, name="nominate"),
    path(
        "nominations/cohorts/<int:pk>/upload/",
        views_imports.nominate_upload,
        name="nominate_upload",
    ),
    path(
        "staff/cohorts/<int:pk>/bulk-enrol/",
        views_imports.staff_bulk_enrol,
        name="staff_bulk_enrol",
    ),
]
