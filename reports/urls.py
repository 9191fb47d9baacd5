from django.urls import path

from reports import views_dashboard

app_name = "reports"

urlpatterns = [
    path("", views_dashboard.dashboard, name="dashboard"),
]
