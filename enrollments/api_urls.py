from django.urls import path

from enrollments import api, api_staff

urlpatterns = [
    path("cohorts/<int:cohort_id>/enrol/", api.EnrolApi.as_view(), name="api_enrol"),
    path("enrolments/<int:pk>/withdraw/", api.WithdrawApi.as_view(), name="api_withdraw"),
    path("me/enrolments/", api.MyEnrolmentsApi.as_view(), name="api_my_enrolments"),
    path(
        "cohorts/<int:cohort_id>/roster/",
        api_staff.CohortRosterApi.as_view(),
        name="api_cohort_roster",
    ),
    path(
        "enrolments/<int:pk>/complete/",
        api_staff.EnrolmentCompleteApi.as_view(),
        name="api_enrolment_complete",
    ),
]
