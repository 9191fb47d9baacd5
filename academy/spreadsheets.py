"""Text that goes into a spreadsheet (CSV or XLSX) someone will open: formulas neutralised.

A cell beginning with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets strip before looking) is read as a formula by Excel and LibreOffice: a name such as
``=HYPERLINK("http://evil", "click")`` typed into a profile would run in the training officer's
spreadsheet (CSV injection). Such text gets a leading apostrophe, which spreadsheets show as
text and do not print. Only text is neutralised: numbers and dates are written as such.
"""

# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
