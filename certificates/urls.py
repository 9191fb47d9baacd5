from django.urls import path, re_path

from certificates import views

app_name = "certificates"

SERIAL = r"(?P<serial>KSG-[0-9]{4}-[0-9]{6})"

urlpatterns = [
    re_path(rf"^certificates/{SERIAL}/pdf/$", views.certificate_pdf, name="pdf"),
    re_path(
        rf"^certificates/{SERIAL}/open-badge\.json$",
        views.certificate_badge_json,
        name="badge_json",
    ),
    re_path(
        rf"^certificates/{SERIAL}/open-badge\.jwt$", views.certificate_badge_jwt, name="badge_jwt"
    ),
    path("certificates/issuer/", views.issuer_profile, name="issuer"),
    path("certificates/issuer/jwks.json", views.issuer_jwks, name="issuer_jwks"),
    re_path(
        r"^certificates/issuer/keys/(?P<thumbprint>[A-Za-z0-9_-]{43})\.json$",
        views.issuer_key,
        name="issuer_key",
    ),
]
