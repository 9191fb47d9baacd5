"""Links between the pages of a paginated HTML list, keeping its filters."""

from django.core.paginator import Page


def page_links(page: Page, query: str) -> dict | None:
    """Links to the previous, next, first, last and nearby pages, keeping the filters in
    ``query`` (an encoded query string without ``page``); for templates/includes/pagination.html.

    None when there is one page; in ``pages`` a None marks a gap in the numbering.
    """
    last = page.paginator.num_pages
    if last <= 1:
        return None
    prefix = f"?{query}&page=" if query else "?page="
    numbers = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    pages, previous = [], 0
    for number in numbers:
        if number - previous > 1:
            pages.append(None)
        pages.append(
            {"number": number, "url": f"{prefix}{number}", "current": number == page.number}
        )
        previous = number
    return {
        "previous": f"{prefix}{page.number - 1}" if page.has_previous() else None,
        "next": f"{prefix}{page.number + 1}" if page.has_next() else None,
        "pages": pages,
    }
