"""Scheduled reports: a training officer's subscriptions."""

from django.urls import path

from reports import views_subscriptions as views

app_name = "report_subscriptions"

urlpatterns = [
    path("reports/subscriptions/", views.subscription_list, name="list"),
    path("reports/subscriptions/<int:pk>/end/", views.subscription_cancel, name="cancel"),
]
