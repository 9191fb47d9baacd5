from django.urls import re_path

from certificates import views

app_name = "certificates"

urlpatterns = [
    re_path(
        r"^certificates/(?P<serial>KSG-[0-9]{4}-[0-9]{6})/pdf/$",
        views.certificate_pdf,
        name="pdf",
    ),
]
