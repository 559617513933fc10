"""The public course catalogue (``/education/``): search, filters by market role, format and level, paginated;
a course's page with its upcoming sessions and materials. Enrolment happens in the portal."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views import View

from ercot_services.core.downloads import private_file_response

from ...forms.public.courses import CatalogueFilterForm
from ...models import CourseMaterial
from ...selectors import CatalogueFilters, catalogue_courses, course_get_published, course_upcoming_sessions

CATALOGUE_PAGE = 12


class CatalogueView(View):
    def get(self, request):
        form = CatalogueFilterForm(request.GET or None)
        cleaned = form.cleaned_data if form.is_valid() else {}
        filters = CatalogueFilters(
            q=cleaned.get("q", ""),
            role=cleaned.get("role", ""),
            format=cleaned.get("format", ""),
            level=cleaned.get("level", ""),
        )
        page = Paginator(catalogue_courses(filters), CATALOGUE_PAGE).get_page(request.GET.get("page"))
        return render(
            request,
            "education/catalogue.html",
            {
                "form": form,
                "filters": filters,
                "filtered": any((filters.q, filters.role, filters.format, filters.level)),
                "page_obj": page,
            },
        )


class CourseDetailView(View):
    def get(self, request, slug):
        course = course_get_published(slug)
        return render(
            request,
            "education/course_detail.html",
            {"course": course, "sessions": course_upcoming_sessions(course)},
        )


class MaterialDownloadView(View):
    def get(self, request, slug, pk):
        material = get_object_or_404(CourseMaterial, course__slug=slug, course__is_published=True, pk=pk)
        return private_file_response(material.file, filename=material.filename, content_type=material.content_type)
