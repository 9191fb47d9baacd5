from django.urls import path

from courses import api

urlpatterns = [
    path("skill-areas/", api.SkillAreaListApi.as_view(), name="api_skill_areas"),
    path("competencies/", api.CompetencyListApi.as_view(), name="api_competencies"),
    path("courses/", api.CourseListApi.as_view(), name="api_courses"),
    path("courses/<str:code>/", api.CourseDetailApi.as_view(), name="api_course_detail"),
    path("cohorts/", api.CohortListApi.as_view(), name="api_cohorts"),
]
