"""The public privacy notice: anyone reads it, every page links to it, it names the controller,
the rights with links to act on them, and the regulator; in English and Kiswahili."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_notice(client):
    response = client.get(reverse("privacy:notice"))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Kenya School of Government",
        "Office of the Data Protection Commissioner",
        "section 39",
        "72 hours",
    ):
        assert text in page
    for name in ("privacy:my_data", "privacy:erasure", "academy:profile"):
        assert reverse(name) in page


def test_the_footer_links_to_the_notice(client):
    assert reverse("privacy:notice") in client.get(reverse("courses:catalogue")).content.decode()


def test_the_notice_renders_in_kiswahili(client):
    client.cookies["django_language"] = "sw"
    response = client.get(reverse("privacy:notice"), HTTP_ACCEPT_LANGUAGE="sw")
    assert response.status_code == 200
    assert 'lang="sw"' in response.content.decode()


def test_staff_see_the_erasure_requests_link(client, ksg_staff, wanjiku):
    client.force_login(ksg_staff)
    assert reverse("privacy:staff_list") in client.get(reverse("home")).content.decode()
    client.force_login(wanjiku)
    assert reverse("privacy:staff_list") not in client.get(reverse("home")).content.decode()
