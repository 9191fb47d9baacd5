from rest_framework import generics

from courses.models import Cohort, Competency, Course, SkillArea


class SkillAreaListApi(generics.ListAPIView):
    queryset = SkillArea.objects.all()


class CompetencyListApi(generics.ListAPIView):
    queryset = Competency.objects.all()


class CourseListApi(generics.ListAPIView):
    queryset = Course.objects.all()


class CourseDetailApi(generics.RetrieveAPIView):
    queryset = Course.objects.all()


class CohortListApi(generics.ListAPIView):
    queryset = Cohort.objects.all()
