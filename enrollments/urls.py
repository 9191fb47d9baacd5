from django.urls import path

from enrollments import urls_imports, urls_results, urls_seats, views, views_staff

app_name = "enrollments"

urlpatterns = [
    path("cohorts/<int:cohort_id>/enrol/", views.enrol, name="enrol"),
    path("my-learning/", views.my_learning, name="my_learning"),
    path("my-learning/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("requests/", views.requests, name="requests"),
    path("officers-training/", views.officers_training, name="officers_training"),
    path("requests/<int:pk>/", views.decide, name="decide"),
    path("staff/cohorts/", views_staff.cohort_list, name="staff_cohorts"),
    path("staff/cohorts/<int:pk>/", views_staff.cohort_roster, name="staff_roster"),
    path(
        "staff/cohorts/<int:pk>/roster.csv",
        views_staff.cohort_roster_export,
        name="staff_roster_export",
    ),
    path("staff/cohorts/<int:pk>/capacity/", views_staff.cohort_capacity, name="staff_capacity"),
    path("staff/enrolments/<int:pk>/", views_staff.enrollment_detail, name="staff_enrollment"),
]
# Nominations and CSV imports; attendance and results; seat quotas, moves and no-shows.
urlpatterns += urls_imports.urlpatterns + urls_results.urlpatterns + urls_seats.urlpatterns
