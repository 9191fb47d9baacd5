"""Many officers into a cohort at once: KSG staff's bulk enrolment from a CSV file, and a
training officer's nominations (one officer, or a CSV file of personal numbers).

An import is all or nothing. First the file's shape is checked (size, UTF-8, header, rows), then
every row's officer: known (and, for a training officer, of their organisations), with an
officer profile, not twice in the file, not already in the cohort. Then, in one transaction that
holds the cohort's lock from the first row to the commit, each row goes through
``services.enrollment_create`` in file order, so the enrolment rules decide exactly as they would
for the officer alone: a seat while there is one, then the waiting list in file order, or a
request where the course needs approval. If any row is wrong, at either step, everything is
rolled back (no enrolment, no audit event, and no e-mail, since those go out on commit) and
``ImportRefused`` lists every bad row with its line, its value and why.
"""

from __future__ import annotations

import csv
import hashlib
import io
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.audit import audit_record
from academy.models import Membership, User
from academy.roles import organisation_scope
from courses.models import Cohort
from courses.selectors import public_cohorts
from enrollments import services
from enrollments.models import Enrollment

State = Enrollment.State

EMAIL, PERSONAL_NUMBER = "email", "personal_number"
# The columns each kind of file may have: staff name officers either way, training officers
# by personal number (the number on the payslip, which HR holds for everyone).
STAFF_COLUMNS = (EMAIL, PERSONAL_NUMBER)
NOMINATION_COLUMNS = (PERSONAL_NUMBER,)
# Other spellings of a column's name that spreadsheets and people write.
COLUMN_ALIASES = {"email": EMAIL, "e_mail": EMAIL, "personal_number": PERSONAL_NUMBER}

MAX_FILE_BYTES = 1_000_000
MAX_ROWS = 1_000
# How much of a value a report quotes back (a junk cell can be long).
VALUE_SHOWN = 80

# Rules about the cohort rather than the officer: when one refuses, it refuses every row, and
# the report says so once instead of on every line.
COHORT_RULES = ("not_open", "window_not_open", "window_closed")


@dataclass(frozen=True)
class Identifier:
    """One row of a file: the officer it names, by e-mail address or personal number."""

    line: int | None
    column: str
    value: str


@dataclass(frozen=True)
class Problem:
    """Why a row (or, with ``line`` None, the whole file) can't be imported."""

    line: int | None
    value: str
    reason: str
    code: str


class ImportRefused(Exception):
    """The file or some of its rows are wrong; nothing was saved. ``problems`` in line order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.line is not None, p.line or 0))
        super().__init__("; ".join(p.reason for p in self.problems))


@dataclass(frozen=True)
class CsvFile:
    """A read and well-formed upload: its rows, and what identifies the file in the audit."""

    name: str
    sha256: str
    rows: list[Identifier]


@dataclass
class ImportOutcome:
    """The enrolments an import made, by the state each ended in."""

    enrolled: list[Enrollment] = field(default_factory=list)
    waitlisted: list[Enrollment] = field(default_factory=list)
    requested: list[Enrollment] = field(default_factory=list)

    def add(self, enrollment: Enrollment) -> None:
        if enrollment.state == State.ENROLLED:
            self.enrolled.append(enrollment)
        elif enrollment.state == State.WAITLISTED:
            self.waitlisted.append(enrollment)
        else:
            self.requested.append(enrollment)

    def counts(self) -> dict[str, int]:
        return {
            "enrolled": len(self.enrolled),
            "waitlisted": len(self.waitlisted),
            "requested": len(self.requested),
        }


class _RollBack(Exception):
    """Raised inside the import's transaction to undo every row of a refused file."""


# --- Writes -------------------------------------------------------------------------------------


def cohort_bulk_enrol(
    *,
    cohort: Cohort,
    by: User,
    rows: Sequence[Identifier],
    file_name: str = "",
    file_sha256: str = "",
) -> ImportOutcome:
    """Enrol every officer of ``rows`` in ``cohort`` in file order, as KSG staff: seats, then
    the waiting list, or requests where the course needs approval (staff don't pre-approve).
    Afterwards one ``enrollments.cohort.bulk_enrolled`` event records the file and the counts.

    All or nothing: raises ImportRefused, having saved nothing, when any row is wrong. An
    officer already in the cohort is a wrong row, not a row skipped: uploading the same file
    twice is refused with a clear report instead of quietly doing nothing.
    """
    return _import(
        cohort=cohort,
        by=by,
        rows=rows,
        scope=None,
        preapproved=False,
        action="enrollments.cohort.bulk_enrolled",
        file_name=file_name,
        file_sha256=file_sha256,
    )


def cohort_bulk_nominate(
    *,
    cohort: Cohort,
    by: User,
    rows: Sequence[Identifier],
    file_name: str = "",
    file_sha256: str = "",
) -> ImportOutcome:
    """Nominate every officer of ``rows`` into ``cohort`` in file order, as their training
    officer ``by``: the nomination is the approval, so they take seats (or the waiting list)
    even where the course needs approval. Afterwards one ``enrollments.cohort.bulk_nominated``
    event records the file and the counts.

    Only officers of ``by``'s organisations and their sub-units can be named; anyone else is
    reported exactly like an unknown personal number. All or nothing, as ``cohort_bulk_enrol``.
    """
    return _import(
        cohort=cohort,
        by=by,
        rows=rows,
        scope=organisation_scope(by, Membership.Role.TRAINING_OFFICER),
        preapproved=True,
        action="enrollments.cohort.bulk_nominated",
        file_name=file_name,
        file_sha256=file_sha256,
    )


def officer_nominate(*, cohort: Cohort, by: User, officer: str) -> Enrollment:
    """Nominate the officer named by ``officer`` (a personal number or an e-mail address) into
    ``cohort``, as their training officer ``by``: a seat, or the waiting list.

    Raises EnrolmentRefused with the reason when the officer is unknown or outside ``by``'s
    organisations (the same message for both), already in the cohort, or a rule refuses.
    """
    try:
        outcome = _import(
            cohort=cohort,
            by=by,
            rows=[identifier_of(officer)],
            scope=organisation_scope(by, Membership.Role.TRAINING_OFFICER),
            preapproved=True,
        )
    except ImportRefused as refused:
        problem = refused.problems[0]
        raise services.EnrolmentRefused(problem.code, problem.reason) from None
    return (outcome.enrolled + outcome.waitlisted + outcome.requested)[0]


def identifier_of(text: str, *, line: int | None = None) -> Identifier:
    """What a person typed to name an officer: an e-mail address if it has an @, else a
    personal number."""
    text = text.strip()
    return Identifier(line=line, column=EMAIL if "@" in text else PERSONAL_NUMBER, value=text)


# --- Reading a file -------------------------------------------------------------------------


def read_csv(upload: UploadedFile, *, columns: Sequence[str]) -> CsvFile:
    """The rows of an uploaded CSV file whose header names some of ``columns``.

    Checks the shape only (size, UTF-8, header, at most MAX_ROWS rows, one identifier on each
    line); who the rows name is checked by the import. Raises ImportRefused.
    """
    # Checked before reading it: a big file is refused without holding it in memory.
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise _too_big(upload.size)
    data = b"".join(upload.chunks())
    return CsvFile(
        name=posixpath.basename((upload.name or "").replace("\\", "/"))[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        rows=parse_csv(data, columns=columns),
    )


def parse_csv(data: bytes, *, columns: Sequence[str]) -> list[Identifier]:
    """The identifiers of a CSV file's bytes (see ``read_csv``); raises ImportRefused."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(len(data))
    text = _decode(data)
    if not text.strip():
        raise _refused(None, "", _empty_message(columns), "empty")
    # Spreadsheets set to a comma as decimal mark save with semicolons: read those too.
    header = next(line for line in text.splitlines() if line.strip())
    delimiter = ";" if ";" in header and "," not in header else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _identifiers(reader, columns)
    except csv.Error as error:
        raise _refused(
            reader.line_num + 1,
            "",
            _("Line %(line)d can't be read as CSV (%(error)s).")
            % {"line": reader.line_num + 1, "error": error},
            "csv",
        ) from None


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise _refused(
            line,
            "",
            _(
                "Line %(line)d is not UTF-8 text. In your spreadsheet, save the file as "
                "“CSV UTF-8 (comma delimited)” and upload it again."
            )
            % {"line": line},
            "not_utf8",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise _refused(
            line,
            "",
            _(
                "Line %(line)d holds characters that are not text: this does not look like a "
                "CSV file. Save the list from your spreadsheet as “CSV UTF-8” and upload that."
            )
            % {"line": line},
            "not_text",
        )
    return text


def _column_name(cell: str) -> str:
    """``E-mail``, `` Personal Number `` → ``e_mail``, ``personal_number``."""
    return "_".join(cell.replace("-", " ").replace("_", " ").lower().split())


def _header(reader, columns: Sequence[str]) -> list[str]:
    """The file's columns, read from its first non-blank line."""
    cells: list[str] = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            break
    else:  # only blank lines (or empty cells)
        cells = []
    if not cells:
        raise _refused(None, "", _empty_message(columns), "empty")
    line = reader.line_num
    header = [COLUMN_ALIASES.get(_column_name(cell), _column_name(cell)) for cell in cells]
    unknown = [cell for cell, name in zip(cells, header, strict=True) if name not in columns]
    if unknown:
        if len(columns) == 1:
            message = _(
                "The first line must be the header “%(column)s”; “%(unknown)s” is not a "
                "column this file can have."
            )
        else:
            message = _(
                "The first line must be the header, with a column “%(column)s” or "
                "“%(other)s” (or both); “%(unknown)s” is not a column this file can have."
            )
        raise _refused(
            line,
            _joined(cells),
            message
            % {"column": columns[0], "other": columns[-1], "unknown": _shown(unknown[0].strip())},
            "header",
        )
    repeated = next((name for name in header if header.count(name) > 1), None)
    if repeated:
        raise _refused(
            line,
            _joined(cells),
            _("The header names the column “%(column)s” twice.") % {"column": repeated},
            "header",
        )
    return header


def _identifiers(reader, columns: Sequence[str]) -> list[Identifier]:
    header = _header(reader, columns)
    rows: list[Identifier] = []
    problems: list[Problem] = []
    end = reader.line_num
    for cells in reader:
        # A row's first line (a quoted value can span lines): the one after the last row's.
        line, end = end + 1, reader.line_num
        values = [cell.strip() for cell in cells]
        if not any(values):
            continue  # blank lines are allowed, before, between and after rows
        if len(rows) + len(problems) >= MAX_ROWS:
            raise _refused(
                line,
                "",
                _(
                    "The file has more than %(max)s officers; split it into files of at most "
                    "%(max)s lines."
                )
                % {"max": f"{MAX_ROWS:,}"},
                "too_many_rows",
            )
        if any(values[len(header) :]):
            problems.append(
                Problem(
                    line,
                    _shown(_joined(values)),
                    _("This line has more values than the header has columns (%(count)d).")
                    % {"count": len(header)},
                    "columns",
                )
            )
            continue
        filled = [(name, value) for name, value in zip(header, values, strict=False) if value]
        if len(filled) > 1:
            problems.append(
                Problem(
                    line,
                    _shown(_joined(values)),
                    _("Give either an e-mail address or a personal number on a line, not both."),
                    "both",
                )
            )
            continue
        (column, value) = filled[0]
        rows.append(Identifier(line=line, column=column, value=value))
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise _refused(
            None,
            "",
            _("The file has a header but no officers: add one line per officer under it."),
            "no_rows",
        )
    return rows


# --- Importing ------------------------------------------------------------------------------


def _import(
    *,
    cohort: Cohort,
    by: User,
    rows: Sequence[Identifier],
    scope: QuerySet | None,
    preapproved: bool,
    action: str = "",
    file_name: str = "",
    file_sha256: str = "",
) -> ImportOutcome:
    """Check and enrol ``rows`` (see the module's docstring); ``scope``: the organisations
    whose officers may be named, None for any."""
    if not rows:
        raise _refused(None, "", _("There is no officer to enrol."), "no_rows")
    resolved, problems = _resolve(rows, cohort=cohort, scope=scope)
    outcome = ImportOutcome()
    try:
        with transaction.atomic():
            cohort = services._lock_cohort(cohort)
            # Lock the officers too, in one order: two imports into two cohorts of one course
            # that name the same officers would otherwise each wait for the other's enrolments
            # at the index "one active enrolment per officer and course", and deadlock.
            _lock_officers([officer for _row, officer in resolved])
            for row, officer in resolved:
                try:
                    result = services.enrollment_create(
                        officer=officer, cohort=cohort, by=by, preapproved=preapproved
                    )
                except services.EnrolmentRefused as refusal:
                    if refusal.code in COHORT_RULES:
                        problems = [Problem(None, "", refusal.message, refusal.code)]
                        break
                    problems.append(
                        Problem(row.line, _shown(row.value), refusal.message, refusal.code)
                    )
                    continue
                if not result.created:  # joined since the check above
                    problems.append(_already(row, result.enrollment))
                    continue
                outcome.add(result.enrollment)
            if problems:
                raise _RollBack
            if action:
                audit_record(
                    actor=by,
                    action=action,
                    target=cohort,
                    data={
                        "cohort": cohort.code,
                        "file": file_name,
                        "sha256": file_sha256,
                        "rows": len(rows),
                        **outcome.counts(),
                    },
                )
    except _RollBack:
        raise ImportRefused(problems) from None
    return outcome


def _resolve(
    rows: Sequence[Identifier], *, cohort: Cohort, scope: QuerySet | None
) -> tuple[list[tuple[Identifier, User]], list[Problem]]:
    """The officer of each row, and the rows that name nobody (in ``scope``), an account
    without an officer profile, the officer of an earlier row, or someone already in the
    cohort. A constant number of queries however long the file."""
    by_email, by_number = _officers_named(rows, scope=scope)
    resolved: list[tuple[Identifier, User]] = []
    problems: list[Problem] = []
    first_line: dict[int, int | None] = {}
    # Identifiers already read, so that a repeated one is a duplicate even when it names nobody.
    first_seen: dict[tuple[str, str], int | None] = {}
    for row in rows:
        if row.column == EMAIL:
            value, officer_of = row.value.lower(), by_email
        else:
            value, officer_of = row.value.upper(), by_number
        officer = officer_of.get(value)
        earlier = first_seen.setdefault((row.column, value), row.line)
        if officer is None and earlier != row.line:
            problems.append(
                Problem(
                    row.line,
                    _shown(row.value),
                    _("This is a repeat of line %(line)s.") % {"line": earlier},
                    "duplicate",
                )
            )
        elif officer is None:
            problems.append(_unknown(row, scoped=scope is not None))
        elif getattr(officer, "officer_profile", None) is None:
            problems.append(
                Problem(
                    row.line,
                    _shown(row.value),
                    _(
                        "%(name)s has no officer profile yet: they must complete it before "
                        "they can be enrolled."
                    )
                    % {"name": officer.full_name or officer.email},
                    "no_profile",
                )
            )
        elif officer.pk in first_line:
            problems.append(
                Problem(
                    row.line,
                    _shown(row.value),
                    _("%(name)s is already on line %(line)s of this file.")
                    % {"name": officer.full_name, "line": first_line[officer.pk]},
                    "duplicate",
                )
            )
        else:
            first_line[officer.pk] = row.line
            resolved.append((row, officer))
    in_cohort = {
        e.officer_id: e
        for e in Enrollment.objects.filter(
            cohort=cohort,
            officer__in=[officer.pk for _row, officer in resolved],
            state__in=(*services.ACTIVE_STATES, *Enrollment.SEAT_STATES),
        )
    }
    still = []
    for row, officer in resolved:
        if officer.pk in in_cohort:
            existing = in_cohort[officer.pk]
            existing.officer = officer
            problems.append(_already(row, existing))
        else:
            still.append((row, officer))
    return still, problems


def _officers_named(
    rows: Sequence[Identifier], *, scope: QuerySet | None
) -> tuple[dict[str, User], dict[str, User]]:
    """The accounts the rows name, by lower-case e-mail and by personal number (two queries).

    With a ``scope``, only officers of those organisations: anyone else stays unknown, so that
    a training officer can't learn who works elsewhere.
    """
    emails = {row.value.lower() for row in rows if row.column == EMAIL}
    numbers = {row.value.upper() for row in rows if row.column == PERSONAL_NUMBER}
    users = User.objects.select_related("officer_profile")
    if scope is not None:
        users = users.filter(officer_profile__organisation__in=scope)
    by_email: dict[str, User] = {}
    by_number: dict[str, User] = {}
    if emails:
        found = users.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
        by_email = {user.email_lower: user for user in found}
    if numbers:
        found = users.filter(officer_profile__personal_number__in=numbers)
        by_number = {user.officer_profile.personal_number: user for user in found}
    return by_email, by_number


def _lock_officers(officers: list[User]) -> None:
    pks = sorted(officer.pk for officer in officers)
    list(User.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk"))


def _unknown(row: Identifier, *, scoped: bool) -> Problem:
    if scoped and row.column == EMAIL:
        reason = _("No officer with this e-mail address in your organisation.")
    elif scoped:
        reason = _("No officer with this personal number in your organisation.")
    elif row.column == EMAIL:
        reason = _("No account has this e-mail address.")
    else:
        reason = _("No officer has this personal number.")
    return Problem(row.line, _shown(row.value), reason, "unknown_officer")


def _already(row: Identifier, enrollment: Enrollment) -> Problem:
    return Problem(
        row.line,
        _shown(row.value),
        _("%(name)s is already in this cohort (%(state)s).")
        % {
            "name": enrollment.officer.full_name,
            "state": enrollment.get_state_display().lower(),
        },
        "already_in_cohort",
    )


# --- Reads ------------------------------------------------------------------------------------


def cohorts_open_for_nomination(search: str = "") -> QuerySet[Cohort]:
    """Cohorts of published courses taking enrolments today, with seats taken, soonest first;
    ``search`` matches the cohort's code or the course's code or title."""
    today = timezone.localdate()
    cohorts = public_cohorts().filter(
        status=Cohort.Status.SCHEDULED,
        enrolment_opens_on__lte=today,
        enrolment_closes_on__gte=today,
    )
    search = search.strip()
    if search:
        cohorts = cohorts.filter(
            Q(code__icontains=search)
            | Q(course__code__icontains=search)
            | Q(course__title__icontains=search)
        )
    return cohorts


# --- Helpers ----------------------------------------------------------------------------------


def _refused(line: int | None, value: str, reason: str, code: str) -> ImportRefused:
    return ImportRefused([Problem(line, _shown(value), reason, code)])


def _shown(value: str) -> str:
    """The value as a report quotes it: cut short when long."""
    return value if len(value) <= VALUE_SHOWN else value[: VALUE_SHOWN - 1] + "…"


def _too_big(size: int) -> ImportRefused:
    return _refused(
        None,
        "",
        _(
            "The file is %(size)s; the limit is %(limit)s. Split it into smaller files, or "
            "check that it is the CSV file of officers."
        )
        % {"size": _megabytes(size), "limit": _megabytes(MAX_FILE_BYTES)},
        "too_big",
    )


def _megabytes(size: int) -> str:
    return _("%(size).1f MB") % {"size": size / 1_000_000}


def _empty_message(columns: Sequence[str]) -> str:
    return _(
        "The file is empty. Its first line must be the header (%(columns)s), followed by one "
        "line per officer."
    ) % {"columns": _(" or ").join(columns)}


def _joined(cells: Sequence[str]) -> str:
    """A line's cells, as the report quotes them."""
    return ",".join(cells)
