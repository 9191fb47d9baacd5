from django.urls import path

from enrollments import views

app_name = "enrollments"

urlpatterns = [
    path("cohorts/<int:cohort_id>/enrol/", views.enrol, name="enrol"),
    path("my-learning/", views.my_learning, name="my_learning"),
    path("my-learning/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/", views.decide, name="decide"),
]
