from django.urls import path

from courses import views

app_name = "courses"

urlpatterns = [
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<str:code>/", views.course_detail, name="course_detail"),
    path("skill-areas/<slug:slug>/", views.skill_area, name="skill_area"),
]
