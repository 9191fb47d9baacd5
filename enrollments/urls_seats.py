"""URLs of enrollments.views_seats (joined into enrollments.urls)."""

urlpatterns = []
