from django.urls import path

from enrollments import api

urlpatterns = [
    path("cohorts/<int:cohort_id>/enrol/", api.EnrolApi.as_view(), name="api_enrol"),
    path("enrolments/<int:pk>/withdraw/", api.WithdrawApi.as_view(), name="api_withdraw"),
    path("me/enrolments/", api.MyEnrolmentsApi.as_view(), name="api_my_enrolments"),
]
