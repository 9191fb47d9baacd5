from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from academy import views
from courses import views as courses_views

# Staff sign in to the admin through allauth too, so its rate limits and checks apply there.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("KSG Digital Academy administration")
admin.site.site_title = _("KSG Digital Academy")

api_v1 = [
    path("", include("courses.api_urls")),
    path("", include("enrollments.api_urls")),
    path("", include("certificates.api_urls")),
    path("", include("partners.api_urls")),
    path("", include("reports.api_urls")),
]

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("", include("academy.urls_profile")),
    path("", include("enrollments.urls")),
    path("", include("certificates.urls")),
    path("", include("partners.urls")),
    path("reports/", include("reports.urls")),
    path("", include("reports.urls_runs")),
    path("", include("reports.urls_subscriptions")),
    path("", include("privacy.urls")),
    path("", courses_views.home, name="home"),
    path("", include("courses.urls")),
]

handler400 = "academy.views.bad_request"
handler404 = "academy.views.page_not_found"
handler500 = "academy.views.server_error"
