"""Text that goes into a spreadsheet (CSV export, .xlsx reports) stays text.

A cell starting with = + - @ (or a tab or carriage return, which some programs skip
before looking) would run as a formula in Excel or WPS: `=HYPERLINK(…)` in an agency
name becomes a live link, `=cmd|…` worse. Such a value gets a leading apostrophe, the
spreadsheet's own mark for "this is text"; numbers and other values pass unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value
