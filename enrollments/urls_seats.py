"""URLs of enrollments.views_seats (joined into enrollments.urls)."""

from django.urls import path

from enrollments import views_seats

urlpatterns = [
    path("staff/enrolments/<int:pk>/move/", views_seats.enrollment_move, name="staff_move"),
    path(
        "staff/enrolments/<int:pk>/no-show/", views_seats.enrollment_no_show, name="staff_no_show"
    ),
    path("staff/cohorts/<int:pk>/quotas/", views_seats.cohort_quotas, name="staff_quotas"),
]
