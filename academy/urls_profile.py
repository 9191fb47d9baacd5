from django.urls import path

from academy import views_profile

app_name = "academy"

urlpatterns = [
    path("profile/", views_profile.profile, name="profile"),
    path("profile/api-token/", views_profile.api_token, name="api_token"),
]
