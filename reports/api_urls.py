from django.urls import path

from reports import api

urlpatterns = [
    path("reports/completions/", api.CompletionsApi.as_view(), name="api_report_completions"),
]
