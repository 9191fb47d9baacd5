"""Report files: ask for one, my reports, a report's progress and its download."""

from django.urls import path

from reports import views_runs as views

app_name = "report_runs"

urlpatterns = [
    path("reports/files/", views.run_list, name="list"),
    path("reports/files/new/", views.run_request, name="request"),
    path("reports/files/<int:pk>/", views.run_detail, name="run"),
    path("reports/files/<int:pk>/status.json", views.run_status, name="status"),
    path("reports/files/<int:pk>/download/", views.run_download, name="download"),
]
