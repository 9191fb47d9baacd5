"""
Kenya's public service as reference data: the 47 counties, the organisation tree and KSG's
campuses, loaded from the project's own fixture ``academy/data/kenya_public_service.json``.

This is real data, not demo data: it loads with or without demo mode. Rows are keyed by a stable
natural key (a county's code, an organisation's or campus's slug), so loading again updates what
changed and adds what is new; nothing is ever deleted, because officers and courses point at
these rows.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from academy.models import County, Organisation
from courses.models import Campus

FIXTURE = Path(__file__).resolve().parent / "data" / "kenya_public_service.json"

Kind = Organisation.Kind


class ReferenceDataError(ValueError):
    """The fixture is malformed; the message names the entry and the problem."""


@dataclass
class LoadSummary:
    """Rows of each kind a load created and updated (a moved organisation counts as updated)."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    def describe(self) -> str:
        parts = []
        for label in ("counties", "organisations", "campuses"):
            parts.append(f"{label}: {self.created[label]} created, {self.updated[label]} updated")
        return "; ".join(parts)


@dataclass(frozen=True)
class OrganisationSpec:
    slug: str
    name: str
    kind: str
    short_name: str = ""
    parent_slug: str | None = None
    county_code: int | None = None


def load_public_service(path: Path = FIXTURE) -> LoadSummary:
    """Counties, organisations and campuses exist and match the fixture (one transaction)."""
    data = read_public_service(path)
    summary = LoadSummary()
    with transaction.atomic():
        counties = _load_counties(data, summary)
        _load_organisations(organisation_specs(data), counties, summary)
        _load_campuses(data, counties, summary)
    return summary


def read_public_service(path: Path = FIXTURE) -> dict:
    """The fixture, parsed and checked whole before anything is saved."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReferenceDataError(f"{path}: cannot read the fixture ({exc}).") from exc
    _validate(data)
    return data


def organisation_specs(data: dict) -> list[OrganisationSpec]:
    """Every organisation of the fixture, parents before their children."""
    specs = []
    for ministry in data["ministries"]["items"]:
        specs.append(
            OrganisationSpec(
                slug=ministry["slug"],
                name=ministry["name"],
                kind=Kind.MINISTRY,
                short_name=ministry.get("short_name", ""),
            )
        )
    for ministry in data["ministries"]["items"]:
        for department in ministry["state_departments"]:
            specs.append(
                OrganisationSpec(
                    slug=department["slug"],
                    name=department["name"],
                    kind=Kind.STATE_DEPARTMENT,
                    short_name=department.get("short_name", ""),
                    parent_slug=ministry["slug"],
                )
            )
    for county in data["counties"]["items"]:
        government = county["government"]
        specs.append(
            OrganisationSpec(
                slug=government["slug"],
                name=government["name"],
                kind=Kind.COUNTY,
                short_name=government.get("short_name", ""),
                county_code=county["code"],
            )
        )
    for agency in data["agencies"]["items"]:
        specs.append(_top_level(agency, Kind.AGENCY))
    specs.append(_top_level(data["academy"], Kind.ACADEMY))
    for partner in data["partners"]["items"]:
        specs.append(_top_level(partner, Kind.PARTNER))
    return specs


def bulk_upsert(model, *, key: str, rows: list[dict]) -> tuple[int, int]:
    """Rows exist with these values, matched on the unique field ``key``: (created, updated).

    Two queries when nothing changed, which keeps a repeated load or seed fast.
    """
    existing = model._default_manager.in_bulk([row[key] for row in rows], field_name=key)
    new, changed, changed_fields = [], [], set()
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            new.append(model(**row))
            continue
        diff = [name for name, value in row.items() if getattr(obj, name) != value]
        for name in diff:
            setattr(obj, name, row[name])
        if diff:
            changed.append(obj)
            changed_fields.update(diff)
    if new:
        model._default_manager.bulk_create(new)
    if changed:
        model._default_manager.bulk_update(changed, sorted(changed_fields))
    return len(new), len(changed)


# --- Loading ------------------------------------------------------------------------------------


def _load_counties(data, summary) -> dict[int, int]:
    rows = [{"code": c["code"], "name": c["name"]} for c in data["counties"]["items"]]
    created, updated = bulk_upsert(County, key="code", rows=rows)
    summary.created["counties"] += created
    summary.updated["counties"] += updated
    return dict(County.objects.filter(code__in=[r["code"] for r in rows]).values_list("code", "pk"))


def _load_organisations(specs, county_ids, summary):
    manager = Organisation.objects
    by_slug = {o.slug: o for o in manager.all()}
    by_path = {o.path: o for o in by_slug.values()}

    def parent_slug_of(node):
        if node.depth == 1:
            return None
        return by_path[node.path[: -Organisation.steplen]].slug

    # Existing nodes first: their current parents are read before any insert shifts paths.
    moves, changed, changed_fields = [], [], set()
    missing = []
    for spec in specs:
        values = {
            "name": spec.name,
            "short_name": spec.short_name,
            "kind": spec.kind,
            "county_id": county_ids.get(spec.county_code),
        }
        node = by_slug.get(spec.slug)
        if node is None:
            missing.append((spec, values))
            continue
        diff = [name for name, value in values.items() if getattr(node, name) != value]
        for name in diff:
            setattr(node, name, values[name])
        if diff:
            changed.append(node)
            changed_fields.update(diff)
        if parent_slug_of(node) != spec.parent_slug:
            moves.append(spec)
    if changed:
        manager.bulk_update(changed, sorted(changed_fields))

    # Inserting in name order appends each node after its siblings, so treebeard's sorted
    # insertion rarely has to shift the paths of nodes already in place.
    missing.sort(key=lambda item: (item[0].parent_slug is not None, item[0].name))
    for spec, values in missing:
        values["slug"] = spec.slug
        if spec.parent_slug is None:
            node = manager.add_root(create_kwargs=values)
        else:
            parent = manager.get(slug=spec.parent_slug)
            node = manager.add_child(parent, create_kwargs=values)
        by_slug[spec.slug] = node

    # An executive order can move a state department to another ministry.
    for spec in moves:
        node = manager.get(slug=spec.slug)
        if spec.parent_slug is None:
            manager.move(node, manager.get_first_root_node(), "sorted-sibling")
        else:
            manager.move(node, manager.get(slug=spec.parent_slug), "sorted-child")

    summary.created["organisations"] += len(missing)
    summary.updated["organisations"] += len({n.slug for n in changed} | {s.slug for s in moves})


def _load_campuses(data, county_ids, summary):
    code_of = {c["name"]: c["code"] for c in data["counties"]["items"]}
    rows = [
        {"slug": c["slug"], "name": c["name"], "county_id": county_ids[code_of[c["county"]]]}
        for c in data["campuses"]["items"]
    ]
    created, updated = bulk_upsert(Campus, key="slug", rows=rows)
    summary.created["campuses"] += created
    summary.updated["campuses"] += updated


def _top_level(item, kind) -> OrganisationSpec:
    return OrganisationSpec(
        slug=item["slug"], name=item["name"], kind=kind, short_name=item.get("short_name", "")
    )


# --- Validation ---------------------------------------------------------------------------------


def _validate(data):
    try:
        counties = data["counties"]["items"]
        codes = [c["code"] for c in counties]
        if sorted(codes) != list(range(1, len(counties) + 1)):
            raise ReferenceDataError("counties: codes must run 1, 2, 3, … without gaps.")
        _unique("counties", [c["name"] for c in counties])
        county_names = {c["name"] for c in counties}

        specs = organisation_specs(data)
        slugs = [s.slug for s in specs]
        _unique("organisations", slugs)
        for spec in specs:
            where = f"organisation {spec.name!r}"
            if not spec.name or len(spec.name) > 200:
                raise ReferenceDataError(f"{where}: a name of 1 to 200 characters is required.")
            if len(spec.short_name) > 40:
                raise ReferenceDataError(f"{where}: short_name is longer than 40 characters.")
            _check_slug(where, spec.slug, max_length=80)

        campuses = data["campuses"]["items"]
        _unique("campuses", [c["slug"] for c in campuses])
        _unique("campuses", [c["name"] for c in campuses])
        for campus in campuses:
            where = f"campus {campus['name']!r}"
            _check_slug(where, campus["slug"], max_length=60)
            if campus["county"] not in county_names:
                raise ReferenceDataError(f"{where}: unknown county {campus['county']!r}.")
    except (KeyError, TypeError) as exc:
        raise ReferenceDataError(f"The fixture lacks an expected entry: {exc!r}.") from exc


def _unique(label, values):
    seen = set()
    for value in values:
        if value in seen:
            raise ReferenceDataError(f"{label}: {value!r} appears more than once.")
        seen.add(value)


def _check_slug(where, slug, *, max_length):
    if not slug or slug != slugify(slug) or len(slug) > max_length:
        raise ReferenceDataError(
            f"{where}: slug {slug!r} must be lowercase letters, digits and hyphens, "
            f"at most {max_length} characters."
        )
