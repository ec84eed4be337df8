"""docs/glossary.md shows each domain term as the catalogues translate it."""

from pathlib import Path

from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent


def _catalogue(language: str):
    with open(REPO / f"app/translations/{language}/LC_MESSAGES/messages.po", "rb") as handle:
        return read_po(handle)


def test_glossary_rows_match_the_catalogues():
    catalogues = {language: _catalogue(language) for language in ("fr", "nl", "en")}
    rows = [line.strip("|").split("|")
            for line in (REPO / "docs/glossary.md").read_text().splitlines()
            if line.startswith("| ") and not line.startswith("| English")]

    assert len(rows) >= 40
    for english, french, dutch in ((cell.strip() for cell in row) for row in rows):
        message = catalogues["fr"].get(english)
        assert message is not None, english
        assert (french, dutch) == (message.string, catalogues["nl"][english].string), english
