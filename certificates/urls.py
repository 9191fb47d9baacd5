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
    path("verify/", views.verify_start, name="verify_start"),
    # Any segment reaches the view, so that a malformed code gets the same plain "not found"
    # (and counts against the rate limit) as a well-formed unknown one.
    re_path(r"^verify/(?P<code>[^/]{1,300})/$", views.verify, name="verify"),
    path("certificates/staff/", views.staff_list, name="staff_list"),
    re_path(rf"^certificates/staff/{SERIAL}/$", views.staff_detail, name="staff_detail"),
    re_path(rf"^certificates/staff/{SERIAL}/revoke/$", views.staff_revoke, name="staff_revoke"),
    re_path(rf"^certificates/staff/{SERIAL}/reissue/$", views.staff_reissue, name="staff_reissue"),
    path("certificates/staff/cohorts/<int:pk>/", views.staff_cohort, name="staff_cohort"),
    path("certificates/staff/runs/<int:pk>/", views.staff_run, name="staff_run"),
]
