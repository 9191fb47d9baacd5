"""URLs of enrollments.views_imports (joined into enrollments.urls)."""

urlpatterns = []
