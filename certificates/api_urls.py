from django.urls import path

from certificates import api

urlpatterns = [
    path("me/certificates/", api.MyCertificatesApi.as_view(), name="api_my_certificates"),
]
