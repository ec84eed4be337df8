"""Language selection and localised display of dates, times and counts."""

from datetime import datetime
from functools import lru_cache
from numbers import Number

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
)
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from app.extensions import babel
from app.timezone import local_day
from app.visitor import someone_logged_in

#: Locales used for formatting: the cluster is in Brussels, so English uses British formats
#: (day before month, 24-hour clock); the "en" catalogue still applies.
FORMAT_LOCALES = {"en": "en_GB", "fr": "fr_BE", "nl": "nl_BE"}


def select_locale() -> str:
    """Pick the locale from the language chosen by the user, the browser or the default."""
    language = select_language()
    return FORMAT_LOCALES.get(language, language)


def in_language(language: str):
    """Render in a person's language (mails, invites), with the cluster's formats."""
    return force_locale(FORMAT_LOCALES.get(language, language))


def current_language() -> str:
    """Return the two-letter language of the current request (fr, nl or en)."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def language_or_default(code: str | None) -> str:
    """Return a recipient's language if the cluster writes in it, else the default one."""
    if code in current_app.config["LANGUAGES"]:
        return code
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_language() -> str:
    """Pick the language: the user's choice, then Accept-Language, then the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and worker: mails pass their language explicitly
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if someone_logged_in() and current_user.language in languages:
        return current_user.language
    best = _best_match(request.headers.get("Accept-Language", ""), tuple(languages))
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def _best_match(header: str, languages: tuple[str, ...]) -> str | None:
    """Return the language of ``languages`` an Accept-Language header prefers, if any.

    Browsers send a handful of distinct headers: the answer is kept for short ones (parsing
    the header cost an anonymous page view about a sixteenth of its CPU).
    """
    if len(header) > _KEPT_HEADER_LENGTH:
        return _parse_best_match(header, languages)
    return _kept_best_match(header, languages)


def _parse_best_match(header: str, languages: tuple[str, ...]) -> str | None:
    return parse_accept_header(header, LanguageAccept).best_match(languages)


#: Longer headers are parsed each time, so the kept answers stay small.
_KEPT_HEADER_LENGTH = 200
_kept_best_match = lru_cache(maxsize=256)(_parse_best_match)


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """Format an aware UTC datetime in Brussels time, in the user's language."""
    if value is None:
        return ""
    if fmt == "medium":  # the date in full, the time without seconds or zone name
        return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
    return format_datetime(value, fmt)


def local_date(value, fmt: str = "medium") -> str:
    """Format a date (or a datetime's Brussels date) in the user's language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_day(value)
    return format_date(value, fmt)


def language_name(code: str) -> str:
    """Name a language in the reader's language ("néerlandais", "Frans", "French")."""
    locale = get_locale()
    return (locale.languages.get(code) if locale is not None else None) or code


def local_number(value) -> str:
    """Write a count in the reader's locale ("1 234" in French, "1.234" in Dutch); "" for none."""
    if value is None:
        return ""
    if isinstance(value, Number) and not isinstance(value, bool):
        return format_decimal(value)
    return str(value)


def init_app(app: Flask) -> None:
    """Bind Babel and register the Jinja helpers."""
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories="translations",
    )
    app.jinja_env.filters["localdt"] = local_datetime
    app.jinja_env.filters["localdate"] = local_date
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["number"] = local_number
