from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("profile/data/", views.my_data, name="my_data"),
    path("profile/data.json", views.my_data_json, name="my_data_json"),
    path("profile/erasure/", views.erasure, name="erasure"),
    path("privacy/staff/erasure/", views.staff_list, name="staff_list"),
    path("privacy/staff/erasure/<int:pk>/", views.staff_decide, name="staff_decide"),
]
