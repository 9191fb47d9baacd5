"""URLs of enrollments.views_results (joined into enrollments.urls)."""

urlpatterns = []
