from django.urls import path, re_path

from certificates import api

urlpatterns = [
    path("me/certificates/", api.MyCertificatesApi.as_view(), name="api_my_certificates"),
    re_path(
        r"^certificates/verify/(?P<code>[^/]{1,300})/$",
        api.CertificateVerifyApi.as_view(),
        name="api_certificate_verify",
    ),
]
