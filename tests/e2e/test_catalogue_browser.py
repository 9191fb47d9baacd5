"""An officer looks for a course in a real browser: search, a facet, the course page; on a
phone, without JavaScript and with the keyboard alone."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def search_form(page: Page):
    return page.get_by_role("search", name="Search and filter")


def result_count(page: Page):
    return page.get_by_role("status")


def result_titles(page: Page):
    """The headings of the result cards: the course titles, in page order."""
    return page.get_by_role("region", name="Results").get_by_role("heading", level=3)


def search(page: Page, words: str) -> None:
    form = search_form(page)
    form.get_by_label("Search words").fill(words)
    form.get_by_role("button", name="Show courses").click()


def page_width(page: Page) -> int:
    """The width of the page's content in CSS pixels: wider than the window scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_an_officer_searches_filters_and_opens_a_course(page, catalogue, screenshot):
    page.goto("/courses/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Course catalogue")
    expect(result_count(page)).to_have_text("4 courses found")
    screenshot(page, "1-catalogue")

    search(page, "data")
    expect(page).to_have_url(re.compile(r"[?&]q=data(&|$)"))
    expect(result_count(page)).to_have_text("2 courses found")
    expect(result_titles(page)).to_have_text(
        ["Data Governance for Public Officers", "Open Data for Service Delivery"]
    )
    expect(page.get_by_role("link", name="Cybersecurity Essentials")).to_have_count(0)
    expect(page.get_by_role("link", name="Digital Transformation Strategy")).to_have_count(0)
    # The words searched for stay in the box, ready to change.
    expect(search_form(page).get_by_label("Search words")).to_have_value("data")
    screenshot(page, "2-searched")

    search_form(page).get_by_role("group", name="Level").get_by_label("Intermediate").check()
    search_form(page).get_by_role("button", name="Show courses").click()
    expect(page).to_have_url(re.compile(r"[?&]level=intermediate(&|$)"))
    expect(result_count(page)).to_have_text("1 course found")
    expect(result_titles(page)).to_have_text(["Data Governance for Public Officers"])
    expect(search_form(page).get_by_label("Intermediate")).to_be_checked()
    screenshot(page, "3-filtered")

    page.get_by_role("link", name="Data Governance for Public Officers").click()
    expect(page).to_have_url(re.compile(r"/courses/DGP-201/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Governance for Public Officers")
    about = page.get_by_role("region", name="About the course")
    expect(about.get_by_role("heading", name="Competencies you build")).to_be_visible()
    expect(about.get_by_role("listitem")).to_have_text(
        ["Data governance frameworks", "Data protection compliance"]
    )
    cohorts = page.get_by_role("table", name="Upcoming cohorts of Data Governance for Public")
    kabete = cohorts.get_by_role("row", name=re.compile("^DGP-201-C1"))
    expect(kabete).to_contain_text("Lower Kabete")
    expect(kabete).to_contain_text("18 seats left")
    expect(cohorts.get_by_role("row", name=re.compile("^DGP-201-C2"))).to_contain_text(
        "25 seats left"
    )
    screenshot(page, "4-course")


def test_on_a_phone_the_catalogue_fits_the_screen_and_search_works(new_page, catalogue, screenshot):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto("/courses/")
    assert page_width(page) <= PHONE["width"], "the catalogue scrolls sideways on a phone"
    screenshot(page, "1-catalogue")

    box = search_form(page).get_by_label("Search words")
    expect(box).to_be_visible()
    bounds = box.bounding_box()
    assert bounds["x"] >= 0
    assert bounds["x"] + bounds["width"] <= PHONE["width"]
    assert bounds["height"] >= 44, "touch targets are at least 44 px high"

    box.tap()
    expect(box).to_be_focused()
    box.fill("cybersecurity")
    button = search_form(page).get_by_role("button", name="Show courses")
    button.scroll_into_view_if_needed()
    button.tap()
    expect(result_count(page)).to_have_text("1 course found")
    expect(result_titles(page)).to_have_text(["Cybersecurity Essentials"])
    assert page_width(page) <= PHONE["width"]
    screenshot(page, "2-searched")

    page.get_by_role("link", name="Cybersecurity Essentials").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cybersecurity Essentials")
    # The cohort table is wider than a phone: it scrolls inside its own box, not the page.
    cohorts = page.get_by_role("table", name="Upcoming cohorts of Cybersecurity Essentials")
    expect(cohorts.get_by_role("row", name=re.compile("^CYB-101-C1"))).to_contain_text("Mombasa")
    assert page_width(page) <= PHONE["width"]
    scroller = cohorts.locator("xpath=..")
    assert scroller.evaluate("box => box.scrollWidth > box.clientWidth")
    screenshot(page, "3-course")
    screenshot(scroller, "4-cohort-table")


def test_search_and_facets_work_without_javascript(new_page, catalogue, screenshot):
    page = new_page(java_script_enabled=False)
    page.goto("/courses/")

    search(page, "data")
    expect(result_count(page)).to_have_text("2 courses found")
    expect(result_titles(page)).to_have_text(
        ["Data Governance for Public Officers", "Open Data for Service Delivery"]
    )
    screenshot(page, "1-searched")

    delivery = search_form(page).get_by_role("group", name="Delivery mode")
    delivery.get_by_label("Online").check()
    search_form(page).get_by_role("button", name="Show courses").click()
    expect(page).to_have_url(re.compile(r"[?&]delivery_mode=online(&|$)"))
    expect(result_count(page)).to_have_text("1 course found")
    expect(result_titles(page)).to_have_text(["Open Data for Service Delivery"])
    expect(delivery.get_by_label("Online")).to_be_checked()
    screenshot(page, "2-filtered")

    page.get_by_role("link", name="Clear search and filters").click()
    expect(result_count(page)).to_have_text("4 courses found")
    expect(search_form(page).get_by_label("Search words")).to_have_value("")


def test_the_first_tab_reaches_the_skip_link_which_moves_to_the_main_content(
    page, catalogue, screenshot
):
    page.goto("/courses/")
    skip = page.get_by_role("link", name="Skip to main content")

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot(page, "1-skip-link")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    main = page.get_by_role("main")
    expect(main).to_be_focused()
    # The page scrolled so that the main content starts at the top of the window.
    assert page.evaluate("window.scrollY") > 0
    assert abs(page.evaluate("document.getElementById('main').getBoundingClientRect().top")) < 2
    screenshot(page, "2-main", full_page=False)

    # The next Tab continues from the main content, not from the top of the page.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the results")).to_be_focused()
