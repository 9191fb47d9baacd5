from django.urls import path

from reports import api

urlpatterns = [
    path("reports/", api.ReportRequestApi.as_view(), name="api_report_request"),
    path("reports/completions/", api.CompletionsApi.as_view(), name="api_report_completions"),
    path("reports/<int:pk>/", api.ReportRunApi.as_view(), name="api_report_run"),
    path("reports/<int:pk>/file/", api.ReportFileApi.as_view(), name="api_report_file"),
]
