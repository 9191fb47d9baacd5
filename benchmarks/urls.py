from django.urls import include, path

from benchmarks import views

urlpatterns = [
    path("bench/baseline/catalogue/", views.baseline_catalogue),
    path("bench/baseline/courses.json", views.baseline_courses_json),
    path("bench/baseline/cohorts/<int:cohort_id>/enrol/", views.baseline_enrol),
    path("bench/baseline/bare/", views.baseline_bare),
    path("", include("academy.urls")),
]
