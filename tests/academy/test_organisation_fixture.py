"""The public service fixture and its loader: counties, the organisation tree, KSG's campuses."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from academy.models import County, JobGroup, Organisation
from academy.reference_data import (
    FIXTURE,
    ReferenceDataError,
    load_public_service,
    read_public_service,
)
from courses.models import Campus

Kind = Organisation.Kind


@pytest.fixture(scope="module")
def fixture_data():
    return read_public_service()


# --- The fixture file ---------------------------------------------------------------------------


def test_fixture_lists_the_47_counties_in_first_schedule_order(fixture_data):
    counties = fixture_data["counties"]["items"]
    assert [c["code"] for c in counties] == list(range(1, 48))
    assert counties[0]["name"] == "Mombasa"
    assert counties[46]["name"] == "Nairobi City"
    assert all(c["government"]["slug"].startswith("county-government-of-") for c in counties)


def test_every_block_names_its_source(fixture_data):
    for block in ("ministries", "counties", "agencies", "partners", "campuses", "job_groups"):
        assert fixture_data[block]["source"], block
    assert fixture_data["academy"]["source"]


def test_fixture_job_groups_match_the_model(fixture_data):
    assert fixture_data["job_groups"]["items"] == JobGroup.values


def test_fixture_campuses_are_in_known_counties(fixture_data):
    counties = {c["name"] for c in fixture_data["counties"]["items"]}
    campuses = {c["name"]: c["county"] for c in fixture_data["campuses"]["items"]}
    assert campuses["Lower Kabete"] == "Nairobi City"
    assert campuses["Matuga"] == "Kwale"
    assert "e-Learning and Development Institute (eLDi)" in campuses
    assert set(campuses.values()) <= counties


def test_a_malformed_fixture_is_refused_whole(db, tmp_path):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["agencies"]["items"].append(dict(data["agencies"]["items"][0]))
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ReferenceDataError, match=r"ict-authority.*more than once"):
        load_public_service(broken)
    assert not County.objects.exists()
    assert not Organisation.objects.exists()


def test_the_project_never_reads_the_shared_folder_at_run_time():
    """The fixture is the project's own copy: no code, template or setting points outside it."""
    root = Path(settings.BASE_DIR)
    pattern = re.compile(r"shared/data|\.\./shared|/work/shared")
    folders = ["academy", "courses", "enrollments", "certificates", "partners", "templates"]
    offenders = []
    for folder in folders:
        for path in (root / folder).rglob("*"):
            if (
                path.suffix in {".py", ".json", ".html", ".txt", ".cfg", ".toml"}
                and path.is_file()
                and pattern.search(path.read_text(encoding="utf-8", errors="ignore"))
            ):
                offenders.append(str(path.relative_to(root)))
    for name in ("manage.py", "pyproject.toml", "Makefile"):
        if pattern.search((root / name).read_text(encoding="utf-8")):
            offenders.append(name)
    assert offenders == []


# --- Loading ------------------------------------------------------------------------------------


def test_loader_creates_the_counties(db):
    load_public_service()

    assert County.objects.count() == 47
    assert County.objects.get(code=1).name == "Mombasa"
    assert County.objects.get(code=47).name == "Nairobi City"


def test_loader_builds_ministries_with_their_state_departments(db, fixture_data):
    load_public_service()

    for ministry in fixture_data["ministries"]["items"]:
        node = Organisation.objects.get(slug=ministry["slug"])
        assert node.kind == Kind.MINISTRY
        assert node.is_root()
        children = Organisation.objects.get_children(node)
        assert {c.slug for c in children} == {d["slug"] for d in ministry["state_departments"]}
        assert {c.kind for c in children} <= {Kind.STATE_DEPARTMENT}

    sd_ict = Organisation.objects.get(slug="state-department-for-ict-and-digital-economy")
    assert Organisation.objects.get_parent(sd_ict).name == (
        "Ministry of Information, Communications and the Digital Economy"
    )
    treasury = Organisation.objects.get(slug="the-national-treasury-and-economic-planning")
    assert treasury.short_name == "National Treasury"
    assert Organisation.objects.find_problems() == ([], [], [], [], [])


def test_loader_links_the_47_county_governments_to_their_counties(db):
    load_public_service()

    governments = Organisation.objects.filter(kind=Kind.COUNTY).select_related("county")
    assert governments.count() == 47
    assert all(g.county is not None for g in governments)
    nairobi = governments.get(slug="county-government-of-nairobi-city")
    assert nairobi.county.code == 47


def test_loader_creates_agencies_ksg_partners_and_campuses(db):
    load_public_service()

    agencies = set(
        Organisation.objects.filter(kind=Kind.AGENCY).values_list("short_name", flat=True)
    )
    assert {"ICTA", "KRA", "PSC", "ODPC"} <= agencies
    ksg = Organisation.objects.get(kind=Kind.ACADEMY)
    assert (ksg.slug, ksg.short_name) == ("kenya-school-of-government", "KSG")
    partners = set(Organisation.objects.filter(kind=Kind.PARTNER).values_list("name", flat=True))
    assert partners == {
        "Huawei Technologies (Kenya) Co. Ltd",
        "ICDL Africa",
        "Estonian Centre for International Development (ESTDEV)",
    }
    campuses = dict(Campus.objects.values_list("slug", "county__name"))
    assert campuses == {
        "lower-kabete": "Nairobi City",
        "mombasa": "Mombasa",
        "matuga": "Kwale",
        "embu": "Embu",
        "baringo": "Baringo",
        "e-learning-and-development-institute-eldi": "Nairobi City",
    }


def test_loading_twice_creates_and_changes_nothing(db):
    first = load_public_service()
    counts = (County.objects.count(), Organisation.objects.count(), Campus.objects.count())
    second = load_public_service()

    assert sum(first.created.values()) == counts[0] + counts[1] + counts[2]
    assert sum(second.created.values()) == 0
    assert sum(second.updated.values()) == 0
    assert (County.objects.count(), Organisation.objects.count(), Campus.objects.count()) == counts
    slugs = list(Organisation.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))


def test_a_renamed_ministry_and_a_moved_state_department_are_updated_in_place(db, tmp_path):
    """Executive orders rename ministries and move departments: the slug keeps the row."""
    load_public_service()
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    ministries = {m["slug"]: m for m in data["ministries"]["items"]}
    ministries["ministry-of-health"]["name"] = "Ministry of Health and Wellness"
    devolution = ministries["office-of-the-deputy-president"]["state_departments"].pop()
    ministries["ministry-of-health"]["state_departments"].append(devolution)
    changed = tmp_path / "reorganised.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    count = Organisation.objects.count()

    summary = load_public_service(changed)

    assert summary.created["organisations"] == 0
    assert summary.updated["organisations"] == 2
    assert Organisation.objects.count() == count
    health = Organisation.objects.get(slug="ministry-of-health")
    assert health.name == "Ministry of Health and Wellness"
    moved = Organisation.objects.get(slug=devolution["slug"])
    assert Organisation.objects.get_parent(moved) == health
    assert Organisation.objects.find_problems() == ([], [], [], [], [])


def test_the_command_loads_without_demo_mode(db, settings):
    settings.DEMO_MODE = False
    out = StringIO()

    call_command("load_public_service", stdout=out)

    assert "counties: 47 created" in out.getvalue()
    assert Organisation.objects.filter(kind=Kind.MINISTRY).exists()
