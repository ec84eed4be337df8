"""French and Dutch typography: the apostrophe is ’ (U+2019), in the catalogues and in the
shipped privacy notice; a quoted value in Dutch is ‘...’. (The French space before : ; ? ! is
checked in tests/b2b/test_b2b_wording.py.)"""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.privacy.notice_texts import DEFAULT_TEXTS

TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"


def _translations(language: str) -> list[tuple[str, str]]:
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po)
    found = []
    for message in catalogue:
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(str(message.id), text) for text in texts if text]
    return found


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_translations_use_the_typographic_apostrophe(language):
    straight = [(source, text) for source, text in _translations(language) if "'" in text]

    assert straight == []


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_shipped_privacy_notice_uses_the_typographic_apostrophe(language):
    assert "'" not in DEFAULT_TEXTS[language]


def test_a_dutch_quoted_value_gets_dutch_quotes():
    quoted = [text for source, text in _translations("nl") if source.startswith("'%(")]

    assert quoted and all(text.startswith("‘%(") for text in quoted)
