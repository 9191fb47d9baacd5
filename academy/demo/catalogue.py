"""The demo catalogue (courses/data/demo_catalogue.json): skill areas, competencies, courses."""

import json
from functools import cache
from pathlib import Path

import courses
from academy.models import Organisation
from academy.reference_data import bulk_upsert
from courses.models import Competency, Course, SkillArea

CATALOGUE_FILE = Path(courses.__file__).resolve().parent / "data" / "demo_catalogue.json"

HEADINGS = {
    "en": {
        "objectives": "Objectives",
        "objectives_lead": "By the end of the course, participants will be able to:",
        "attend": "Who should attend",
        "outline": "Course content",
        "method": "Method",
    },
    "sw": {
        "objectives": "Malengo",
        "objectives_lead": "Mwishoni mwa kozi, washiriki wataweza:",
        "attend": "Walengwa",
        "outline": "Maudhui ya kozi",
        "method": "Mbinu za ufundishaji",
    },
}

COURSE_FIELDS = (
    "title",
    "summary",
    "level",
    "audience_min_job_group",
    "audience_max_job_group",
    "audience_note",
    "delivery_mode",
    "duration_days",
    "cpd_hours",
    "language",
    "min_attendance_percent",
    "pass_mark",
    "requires_approval",
)


@cache
def catalogue_data() -> dict:
    """The demo catalogue file, parsed once per process."""
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def seed_catalogue() -> dict[str, int]:
    """Skill areas, competencies and courses of the demo catalogue exist and match the file."""
    data = catalogue_data()
    created = {}

    area_rows = [
        {key: area[key] for key in ("slug", "name", "name_sw", "aliases", "summary", "summary_sw")}
        | {"position": area["position"]}
        for area in data["skill_areas"]
    ]
    created["skill areas"], _ = bulk_upsert(SkillArea, key="slug", rows=area_rows)
    area_ids = dict(SkillArea.objects.values_list("slug", "pk"))

    competency_rows = [
        {
            "slug": c["slug"],
            "name": c["name"],
            "description": c["description"],
            "skill_area_id": area_ids[area["slug"]],
        }
        for area in data["skill_areas"]
        for c in area["competencies"]
    ]
    created["competencies"], _ = bulk_upsert(Competency, key="slug", rows=competency_rows)
    competency_ids = dict(
        Competency.objects.filter(slug__in=[r["slug"] for r in competency_rows]).values_list(
            "slug", "pk"
        )
    )

    provider_ids = dict(
        Organisation.objects.filter(slug__in={c["provider"] for c in data["courses"]}).values_list(
            "slug", "pk"
        )
    )
    course_rows = [
        {field: c[field] for field in COURSE_FIELDS}
        | {
            "code": c["code"],
            "description": course_description(c),
            "skill_area_id": area_ids[c["skill_area"]],
            "provider_id": provider_ids[c["provider"]],
        }
        for c in data["courses"]
    ]
    created["courses"], _ = bulk_upsert(Course, key="code", rows=course_rows)
    course_ids = dict(
        Course.objects.filter(code__in=[r["code"] for r in course_rows]).values_list("code", "pk")
    )

    _add_missing_links(
        Course.competencies.through,
        "course_id",
        "competency_id",
        {
            (course_ids[c["code"]], competency_ids[s])
            for c in data["courses"]
            for s in c["competencies"]
        },
    )
    _add_missing_links(
        Course.prerequisites.through,
        "from_course_id",
        "to_course_id",
        {
            (course_ids[c["code"]], course_ids[p])
            for c in data["courses"]
            for p in c["prerequisites"]
        },
    )
    return created


def course_description(course: dict) -> str:
    """The catalogue's description text: introduction, objectives, audience, content, method."""
    words = HEADINGS[course["language"]]
    objectives = "\n".join(f"- {line}" for line in course["objectives"])
    outline = "\n".join(f"- {line}" for line in course["outline"])
    return "\n\n".join(
        [
            course["intro"],
            f"{words['objectives']}\n{words['objectives_lead']}\n{objectives}",
            f"{words['attend']}\n{course['attend']}",
            f"{words['outline']}\n{outline}",
            f"{words['method']}\n{course['method']}",
        ]
    )


def _add_missing_links(through, left, right, pairs):
    """Add the many-to-many rows that are missing; links added by staff are left alone."""
    lefts = {a for a, _ in pairs}
    existing = set(through.objects.filter(**{f"{left}__in": lefts}).values_list(left, right))
    through.objects.bulk_create(
        [through(**{left: a, right: b}) for a, b in sorted(pairs - existing)]
    )
