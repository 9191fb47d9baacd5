"""The course's text-search document (a tsvector kept up to date by PostgreSQL, GIN-indexed),
and an index for the catalogue's default order (published courses by title).

Why stored rather than an expression index: ranking needs the document of every matching
course, and computing ``to_tsvector`` over a description costs ~0.3 ms a row, so a broad search
of 2,000 courses took over a second; a stored document costs microseconds. It also spans
tables (competency and skill-area names), which no expression index can.

Weights (ts_rank gives A 1.0, B 0.4, C 0.2, D 0.1):
  A  title: says what the course is;
  B  code and summary, written to be found; competency names, curated tags as telling as
     the summary;
  C  description: long prose that mentions much in passing;
  D  skill-area name and aliases: shared by a third of the catalogue, so they let a course be
     found ("Digital Management and Delivery") but barely move it up.

Triggers keep it current: on the course's own columns, when competencies are linked or
unlinked, when a competency or a skill area is renamed. On other databases the column stays
empty and nothing else happens: the catalogue searches them with LIKE.
"""

import django.contrib.postgres.search
from django.db import migrations, models

FORWARD = """
CREATE FUNCTION courses_course_search_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english',
               coalesce(NEW.code, '') || ' ' || coalesce(NEW.summary, '')), 'B')
        || setweight(to_tsvector('english', coalesce((
               SELECT string_agg(competency.name, ' ')
               FROM courses_course_competencies AS link
               JOIN courses_competency AS competency ON competency.id = link.competency_id
               WHERE link.course_id = NEW.id), '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.description, '')), 'C')
        || setweight(to_tsvector('english', coalesce((
               SELECT area.name || ' ' || area.aliases::text
               FROM courses_skillarea AS area
               WHERE area.id = NEW.skill_area_id), '')), 'D');
    RETURN NEW;
END
$$;

CREATE TRIGGER courses_course_search_document
    BEFORE INSERT OR UPDATE OF code, title, summary, description, skill_area_id, search_document
    ON courses_course
    FOR EACH ROW EXECUTE FUNCTION courses_course_search_document();

-- Setting the document to NULL makes the trigger above compute it afresh.
CREATE FUNCTION courses_course_search_document_refresh_linked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE courses_course SET search_document = NULL
    WHERE id IN (SELECT course_id FROM changed);
    RETURN NULL;
END
$$;

CREATE TRIGGER courses_course_competencies_linked
    AFTER INSERT ON courses_course_competencies
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION courses_course_search_document_refresh_linked();

CREATE TRIGGER courses_course_competencies_unlinked
    AFTER DELETE ON courses_course_competencies
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION courses_course_search_document_refresh_linked();

CREATE FUNCTION courses_competency_search_document_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE courses_course SET search_document = NULL
    WHERE id IN (
        SELECT course_id FROM courses_course_competencies WHERE competency_id = NEW.id
    );
    RETURN NULL;
END
$$;

CREATE TRIGGER courses_competency_renamed
    AFTER UPDATE OF name ON courses_competency
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION courses_competency_search_document_refresh();

CREATE FUNCTION courses_skillarea_search_document_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE courses_course SET search_document = NULL WHERE skill_area_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER courses_skillarea_renamed
    AFTER UPDATE OF name, aliases ON courses_skillarea
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.aliases IS DISTINCT FROM NEW.aliases)
    EXECUTE FUNCTION courses_skillarea_search_document_refresh();

CREATE INDEX course_search_document ON courses_course USING gin (search_document);

UPDATE courses_course SET search_document = NULL;
"""

BACKWARD = """
DROP INDEX IF EXISTS course_search_document;
DROP TRIGGER IF EXISTS courses_skillarea_renamed ON courses_skillarea;
DROP FUNCTION IF EXISTS courses_skillarea_search_document_refresh();
DROP TRIGGER IF EXISTS courses_competency_renamed ON courses_competency;
DROP FUNCTION IF EXISTS courses_competency_search_document_refresh();
DROP TRIGGER IF EXISTS courses_course_competencies_unlinked ON courses_course_competencies;
DROP TRIGGER IF EXISTS courses_course_competencies_linked ON courses_course_competencies;
DROP FUNCTION IF EXISTS courses_course_search_document_refresh_linked();
DROP TRIGGER IF EXISTS courses_course_search_document ON courses_course;
DROP FUNCTION IF EXISTS courses_course_search_document();
"""


def install_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def remove_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True, verbose_name="search document"
            ),
        ),
        migrations.RunPython(install_search_document, remove_search_document, elidable=False),
        migrations.AddIndex(
            model_name="course",
            index=models.Index(
                condition=models.Q(("is_published", True)),
                fields=["title", "code"],
                name="course_published_by_title",
            ),
        ),
    ]
