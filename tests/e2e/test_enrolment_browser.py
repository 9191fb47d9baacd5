"""Two officers and one last seat, in a real browser: the second waits, the first withdraws,
the second is promoted and sees it on "My learning"."""

import pytest
from playwright.sync_api import expect

from tests.courses.conftest import cohort

pytestmark = pytest.mark.e2e


def test_a_waiting_officer_is_promoted_when_a_seat_frees_up(
    sign_in, catalogue, wanjiku, otieno, screenshot
):
    course = catalogue["cyber"]
    cohort(course, starts_in=20, capacity=1, online=True, code="CYB-101-ONE")
    otieno_page = sign_in(otieno)
    wanjiku_page = sign_in(wanjiku, viewport={"width": 360, "height": 740})

    # Otieno takes the only seat.
    otieno_page.goto(course.get_absolute_url())
    otieno_page.get_by_role("button", name="Enrol in cohort CYB-101-ONE").click()
    expect(otieno_page.get_by_text("You are enrolled in cohort CYB-101-ONE.")).to_be_visible()

    # Wanjiku, on her phone, finds it full and joins the waiting list.
    wanjiku_page.goto(course.get_absolute_url())
    wanjiku_page.get_by_role("button", name="Join the waiting list in cohort CYB-101-ONE").click()
    expect(wanjiku_page.get_by_text("you are number 1 on its waiting list")).to_be_visible()
    waiting = wanjiku_page.get_by_role("region", name="Waiting for a seat or an approval")
    expect(waiting.get_by_text("Waiting list: number 1")).to_be_visible()
    screenshot(wanjiku_page, "waiting")

    # Otieno withdraws, with a reason.
    otieno_page.goto("/my-learning/")
    otieno_page.get_by_role("link", name="Withdraw from cohort CYB-101-ONE").click()
    otieno_page.get_by_role("button", name="Withdraw").click()
    expect(otieno_page.get_by_role("link", name="Say why you are withdrawing.")).to_be_visible()
    otieno_page.get_by_label("Why are you withdrawing?").fill("Posted to Kisumu for the month")
    otieno_page.get_by_role("button", name="Withdraw").click()
    expect(otieno_page.get_by_text("You have withdrawn from cohort CYB-101-ONE.")).to_be_visible()

    # Wanjiku has the seat.
    wanjiku_page.reload()
    coming_up = wanjiku_page.get_by_role("region", name="Coming up")
    expect(coming_up.get_by_text("Cybersecurity Essentials")).to_be_visible()
    expect(coming_up.get_by_text("Enrolled")).to_be_visible()
    assert wanjiku_page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(wanjiku_page, "promoted")
