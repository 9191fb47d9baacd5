from django.shortcuts import render


def home(request):
    return render(request, "courses/home.html")


def catalogue(request):
    return render(request, "courses/home.html")


def course_detail(request, code):
    return render(request, "courses/home.html")


def skill_area(request, slug):
    return render(request, "courses/home.html")
