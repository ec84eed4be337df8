"""French and Dutch typography in the catalogues: a no-break space before : ; ? ! in French;
the apostrophe ’ (U+2019) in French and Dutch, in the shipped privacy notice too; a quoted
value in Dutch is ‘...’."""

import re

import pytest

from app.privacy.notice_texts import DEFAULT_TEXTS
from tests.test_glossary import _catalogue


def _translations(language: str) -> list[tuple[str, str]]:
    """Return (source, translation) for every translated text, each plural form apart."""
    found = []
    for message in _catalogue(language):
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [(str(message.id), text) for text in texts if text]
    return found


def test_french_has_a_non_breaking_space_before_colons():
    # Never none, never a plain one (U+00A0, or the narrow U+202F).
    problems = [(source, text) for source, text in _translations("fr")
                if re.search(r"(?<![\u00a0\u202f])[:;?!](?=\s|$)", text)]

    assert problems == []


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
