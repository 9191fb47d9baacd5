"""URLs of enrollments.views_results (joined into enrollments.urls)."""

from django.urls import path

from enrollments import views_results

urlpatterns = [
    path(
        "staff/cohorts/<int:pk>/attendance/",
        views_results.cohort_attendance,
        name="staff_attendance",
    ),
    path("staff/cohorts/<int:pk>/results/", views_results.cohort_results, name="staff_results"),
    path("staff/cohorts/<int:pk>/close/", views_results.cohort_close, name="staff_close"),
    path(
        "staff/enrolments/<int:pk>/result/",
        views_results.enrollment_result,
        name="staff_result",
    ),
]
