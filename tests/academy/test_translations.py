"""The portal in Kiswahili: pages, forms, the language switch, and the catalogue behind them."""

import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from academy import i18n_allauth, i18n_django
from academy.models import User
from tests.academy.support import SIGNUP_PASSWORD
from tests.factories import DEFAULT_PASSWORD, CohortFactory, CourseFactory, SkillAreaFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "sw" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
ALLAUTH_PO = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


# --- A small PO reader (the standard library has none) ----------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], token[1:-1])


def read_po(path: Path) -> list[dict]:
    """The entries of a PO file, header first: msgctxt, msgid, msgid_plural, msgstr (a str, or a
    list for plural entries) and flags. Obsolete (#~) entries are left out."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line or (line.startswith("#") and entry and entry["msgid"] is not None):
            if entry and entry["msgid"] is not None:
                entries.append(entry)
                entry = None
            if not line:
                continue
        if entry is None:
            entry = {"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None}
            entry["msgstr"] = None
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = _unquote(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, token = line.split(" ", 1)
            plural = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if plural:
                field = int(plural.group(1))
                entry["msgstr"] = entry["msgstr"] or []
                assert field == len(entry["msgstr"]), f"msgstr[{field}] out of order"
                entry["msgstr"].append(_unquote(token))
            else:
                field = keyword
                entry[field] = _unquote(token)
    return entries


def catalogue_of(entries: list[dict]) -> dict:
    """What GNUTranslations holds for these PO entries (fuzzy ones are not compiled)."""
    catalogue = {}
    for entry in entries:
        if "fuzzy" in entry["flags"] and entry["msgid"]:
            continue
        key = entry["msgid"]
        if entry["msgctxt"] is not None:
            key = f"{entry['msgctxt']}\x04{key}"
        if entry["msgid_plural"] is None:
            catalogue[key] = entry["msgstr"]
        else:
            for index, text in enumerate(entry["msgstr"]):
                catalogue[(key, index)] = text
    return catalogue


@pytest.fixture(scope="module")
def sw_entries():
    return read_po(PO_FILE)


# --- Pages in Kiswahili ------------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """Text a person sees or hears: element text plus labels held in attributes."""

    ATTRIBUTES = {"aria-label", "placeholder", "title", "alt", "label", "data-filter-label"}

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in self.ATTRIBUTES and value]
        if tag == "meta" and ("name", "description") in attrs:
            self.parts.append(dict(attrs).get("content", ""))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_leftovers(text: str, entries: list[dict]) -> list[str]:
    """English phrases of our catalogue (two words or more) that appear in ``text``.

    Names that stay the same in Kiswahili (Kenya School of Government) are not leftovers.
    """
    found = []
    for entry in entries[1:]:
        for english in filter(None, (entry["msgid"], entry["msgid_plural"])):
            translations = (
                entry["msgstr"] if isinstance(entry["msgstr"], list) else [entry["msgstr"]]
            )
            if english in translations or "%" in english or "{" in english or "<" in english:
                continue
            if len(english.split()) > 1 and re.search(rf"(?<!\w){re.escape(english)}(?!\w)", text):
                found.append(english)
    return found


@pytest.fixture
def kiswahili(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sw"
    return client


@pytest.fixture
def course_with_cohort(db):
    area = SkillAreaFactory(
        slug="data-use-and-governance",
        name="Data Use and Governance",
        name_sw="Matumizi na Utawala wa Data",
        summary="Use data well, and look after it.",
        summary_sw="Tumia data vizuri, na uitunze.",
    )
    course = CourseFactory(skill_area=area, title="Data governance for managers")
    CohortFactory(course=course, capacity=12)
    return course


PAGES = {
    "home": (
        "home",
        ["Ujuzi wa kidijitali kwa utumishi wa umma wa Kenya", "Maeneo ya ujuzi", "Tafuta kozi"],
    ),
    "catalogue": (
        "courses:catalogue",
        ["<h1>Orodha ya kozi</h1>", "Tafuta na uchuje", "Eneo la ujuzi", "Kiwango", "Msingi"],
    ),
    "login": ("account_login", ["<h1>Ingia</h1>", "Nenosiri", "Nikumbuke", "Barua pepe"]),
    "signup": (
        "account_signup",
        [
            "<h1>Jisajili katika KSG Digital Academy</h1>",
            "Nambari ya utumishi",
            "Taasisi",
            "Kundi la kazi",
            "Kituo cha kazi",
            "Nenosiri (tena)",
            "Nenosiri lako lazima liwe na angalau herufi 12.",
        ],
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_pages_come_in_kiswahili(
    kiswahili, page, course_with_cohort, state_department_ict, sw_entries
):
    url_name, phrases = PAGES[page]

    response = kiswahili.get(reverse(url_name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="sw">' in html
    # The header and the footer every page shares.
    for phrase in ["Ruka hadi maudhui makuu", "Kozi", "Ingia", "Jisajili", "Badilisha lugha"]:
        assert phrase in html
    assert 'aria-label="Menyu kuu"' in html
    for phrase in phrases:
        assert phrase in html
    assert english_leftovers(visible_text(html), sw_entries) == []


def test_catalogue_results_in_kiswahili(kiswahili, course_with_cohort):
    html = kiswahili.get(reverse("courses:catalogue")).content.decode()

    assert "Kozi 1 imepatikana" in html
    assert "Matumizi na Utawala wa Data" in html
    assert "Nafasi 12 zimebaki" in html
    assert "Saa 30 za CPD" in html


def test_catalogue_pages_and_notices_in_kiswahili(kiswahili, course_with_cohort, settings):
    settings.CATALOGUE_PAGE_SIZE = 1
    CourseFactory(skill_area=course_with_cohort.skill_area, title="Open data in practice")
    url = reverse("courses:catalogue")

    second = kiswahili.get(url, {"page": "2"}).content.decode()
    beyond = kiswahili.get(url, {"page": "99", "level": "expert"}).content.decode()

    assert "<title>Orodha ya kozi · ukurasa 2 · Kenya School of Government</title>" in second
    assert "Kozi 2 zimepatikana · ukurasa 2 kati ya 2" in second
    assert '<span class="visually-hidden">Ukurasa uliotangulia</span>' in second
    assert "Kuna kurasa 2 tu za matokeo, kwa hivyo huu ndio wa mwisho." in beyond
    assert "Kiwango: tumepuuza “expert”, kwa kuwa si mojawapo ya chaguo zake." in beyond


def test_english_stays_the_default(client, course_with_cohort):
    html = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Ruka hadi maudhui makuu" not in html


# --- The language switch -----------------------------------------------------------------------


def test_language_switch_sets_kiswahili_and_returns_to_the_page(client, course_with_cohort):
    page = reverse("courses:catalogue") + "?q=data&level=foundation"
    html = client.get(page).content.decode()
    # The switch in the header sends the visitor back to the page they were on.
    next_url = re.search(r'<input name="next" type="hidden" value="([^"]*)">', html).group(1)
    assert next_url.replace("&amp;", "&") == page

    response = client.post(reverse("set_language"), {"language": "sw", "next": page})

    assert response.status_code == 302
    assert response["Location"] == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sw"
    again = client.get(response["Location"]).content.decode()
    assert '<html lang="sw">' in again
    assert '<option value="sw" lang="sw" selected>Kiswahili</option>' in again

    back = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(page).content.decode()


def test_language_switch_does_not_redirect_off_site(client, db):
    response = client.post(
        reverse("set_language"), {"language": "sw", "next": "https://evil.example/phish"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_ignores_unknown_languages(client, db):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# --- Forms and messages in Kiswahili -----------------------------------------------------------


def test_kiswahili_signup_refuses_a_private_address_in_kiswahili(kiswahili, signup_data):
    response = kiswahili.post(reverse("account_signup"), signup_data(email="achieng@gmail.com"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="error-summary-title">Kuna tatizo</h2>' in html
    assert (
        "Tumia anwani yako rasmi ya barua pepe: usajili uko wazi kwa anwani za go.ke, "
        "ksg.ac.ke na vikoa vyake vidogo (kama vile name@department.go.ke)."
    ) in html
    assert "Use your official e-mail address" not in html
    assert not User.objects.filter(email="achieng@gmail.com").exists()


def test_kiswahili_signup_explains_password_rules_in_kiswahili(kiswahili, signup_data):
    short = kiswahili.post(reverse("account_signup"), signup_data(password1="12345"))
    mismatch = kiswahili.post(
        reverse("account_signup"), signup_data(password2=SIGNUP_PASSWORD + "x")
    )

    assert "Nenosiri hili ni fupi mno. Lazima liwe na angalau herufi 12." in short.content.decode()
    assert "too short" not in short.content.decode()
    assert "Lazima uandike nenosiri lilelile mara zote mbili." in mismatch.content.decode()


def test_kiswahili_sign_in_errors_and_messages_come_from_our_catalogue(kiswahili, wanjiku):
    """allauth has no Kiswahili: its texts are translated through academy/i18n_allauth.py."""
    refused = kiswahili.post(
        reverse("account_login"), {"login": "wanjiku@ict.demo.go.ke", "password": "guess"}
    )
    assert "Anwani ya barua pepe au nenosiri uliloandika si sahihi." in refused.content.decode()

    signed_in = kiswahili.post(
        reverse("account_login"),
        {"login": "wanjiku@ict.demo.go.ke", "password": DEFAULT_PASSWORD},
        follow=True,
    )
    assert "Umeingia kama Wanjiku Kamau." in signed_in.content.decode()


def test_too_many_requests_page_in_kiswahili(kiswahili, wanjiku, settings):
    # Count in this process only: the embedded file cache is shared with parallel test workers.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "translations-rate-limit-test",
        }
    }
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    data = {"email": "wanjiku@ict.demo.go.ke"}

    kiswahili.post(reverse("account_reset_password"), data)
    response = kiswahili.post(reverse("account_reset_password"), data)

    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>Majaribio mengi mno</h1>" in html
    assert 'class="site-header"' in html


def test_form_texts_that_django_leaves_in_english_are_translated(db):
    """Django's own Kiswahili catalogue lacks these; academy/i18n_django.py supplies them."""
    assert i18n_django.PASSWORD_RULES and i18n_django.FORM_ERRORS  # importable, never evaluated
    with translation.override("en"):
        english = password_validators_help_texts()
    with translation.override("sw"):
        kiswahili = password_validators_help_texts()
        with pytest.raises(ValidationError) as refused:
            validate_password("1234", User(email="x@ict.go.ke"))
        with pytest.raises(ValidationError) as too_long:
            forms.CharField(max_length=3).clean("abcde")
        # The messages are lazy: read them while Kiswahili is active (not whatever language
        # an earlier test left active).
        refused_messages = refused.value.messages
        too_long_messages = too_long.value.messages

    assert not set(english) & set(kiswahili)
    assert refused_messages == [
        "Nenosiri hili ni fupi mno. Lazima liwe na angalau herufi 12.",
        "Nenosiri hili ni la kawaida mno.",
        "Nenosiri hili lina namba tupu.",
    ]
    assert too_long_messages == ["Hakikisha thamani hii haizidi herufi 3 (ina 5)."]


# --- The catalogue itself ----------------------------------------------------------------------


def test_catalogue_header_declares_kiswahili_and_its_plural_rule(sw_entries):
    header = sw_entries[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: sw\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"]


def _translated(entry: dict) -> bool:
    if entry["msgid_plural"] is None:
        return bool(entry["msgstr"])
    return all(entry["msgstr"])


def test_every_entry_is_translated_and_none_is_fuzzy(sw_entries):
    entries = sw_entries[1:]
    assert len(entries) > 400

    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    untranslated = [e["msgid"] for e in entries if not _translated(e)]
    assert untranslated == []
    wrong_plurals = [e["msgid"] for e in entries if e["msgid_plural"] and len(e["msgstr"]) != 2]
    assert wrong_plurals == []


_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")
_BRACES = re.compile(r"\{\w*\}")
_TAGS = re.compile(r"</?[a-z]+[^>]*>")


def _shape(text: str) -> tuple:
    """What a translation must keep: placeholders and markup (order may change)."""
    return (
        sorted(_PERCENT.findall(text)),
        sorted(_BRACES.findall(text)),
        sorted(_TAGS.findall(text)),
    )


def test_translations_keep_placeholders_and_markup(sw_entries):
    broken = []
    for entry in sw_entries[1:]:
        if entry["msgid_plural"] is None:
            pairs = [(entry["msgid"], entry["msgstr"])]
        else:
            singular, plural = entry["msgstr"]
            pairs = [(entry["msgid"], singular), (entry["msgid_plural"], plural)]
        broken += [(source, text) for source, text in pairs if _shape(source) != _shape(text)]
        if "\n" in entry["msgid"]:  # the e-mail signature keeps its line break
            broken += [(entry["msgid"], t) for _, t in pairs if "\n" not in t]
    assert broken == []


def test_compiled_catalogue_matches_the_po_file(sw_entries):
    """The .mo is committed (the portal must work without gettext installed): it must hold
    exactly what django.po says."""
    with MO_FILE.open("rb") as mo:
        compiled = dict(gettext.GNUTranslations(mo)._catalog)
    expected = catalogue_of(sw_entries)

    # msgfmt leaves the POT-Creation-Date line out of the compiled header.
    assert _without_creation_date(compiled.pop("")) == _without_creation_date(expected.pop(""))
    assert compiled == expected


def _without_creation_date(header: str) -> str:
    return re.sub(r"^POT-Creation-Date: .*\n", "", header, flags=re.MULTILINE)


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext's msgfmt")
def test_po_file_compiles_cleanly_to_the_committed_mo(tmp_path):
    fresh = tmp_path / "django.mo"
    result = subprocess.run(  # noqa: S603 (our own files, no shell)
        [shutil.which("msgfmt"), "--check", "-o", str(fresh), str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    with fresh.open("rb") as new, MO_FILE.open("rb") as committed:
        assert gettext.GNUTranslations(new)._catalog == gettext.GNUTranslations(committed)._catalog


def test_allauth_message_ids_are_allauths_own(sw_entries):
    """academy/i18n_allauth.py must copy allauth's texts exactly, or they stay English."""
    allauth_ids = {entry["msgid"] for entry in read_po(ALLAUTH_PO)}
    ours = [*i18n_allauth.FORM_LABELS, *i18n_allauth.FORM_ERRORS, *i18n_allauth.FLASH_MESSAGES]

    assert [msgid for msgid in ours if msgid not in allauth_ids] == []
    assert set(ours) <= {entry["msgid"] for entry in sw_entries}
