"""Buttons use one colour scheme: green for the primary action, grey outline for secondary
ones, red for what deletes or cancels, links for the least; nothing else."""

import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
#: The scheme: primary action, secondary action, danger (filled when it is the page's own
#: action, outlined beside others), link-like; then sizes and Bootstrap's structural classes.
ALLOWED = {
    "btn-success", "btn-outline-secondary", "btn-danger", "btn-outline-danger", "btn-link",
    "btn-sm", "btn-lg", "btn-close", "btn-group", "btn-toolbar", "btn-check",
}
BUTTON_CLASS = re.compile(r"(?<![\w-])btn-[\w-]*")


def _sources():
    for pattern in ("templates/**/*.html", "templates/**/*.txt", "static/js/*.js", "**/*.py"):
        yield from APP.glob(pattern)


def test_templates_and_code_use_only_the_scheme_button_classes():
    found = {}
    for path in _sources():
        for match in BUTTON_CLASS.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(), set()).add(str(path.relative_to(APP)))
    assert "btn-success" in found and "btn-outline-secondary" in found  # the scan reads them
    assert {cls: files for cls, files in found.items() if cls not in ALLOWED} == {}


def test_rendered_forms_get_the_primary_colour(client):
    page = client.get("/auth/login").get_data(as_text=True)

    buttons = re.findall(r'class="btn [^"]*"', page)
    assert buttons and all("btn-success" in b for b in buttons if "btn-link" not in b)
    assert "btn-primary" not in page
