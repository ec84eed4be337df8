"""Every form of the app bounds what it takes: numbers to the database's range, texts to a length.

Checked on the form classes themselves, so a new form that forgets a bound fails here before
a fuzzer or a visitor finds the 500.
"""

import importlib
import pkgutil

import pytest
from wtforms import Form, IntegerField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import AnyOf, Length, NumberRange

import app
from app.db import DB_INT_MAX, DB_INT_MIN

#: Text fields that take any length on purpose, and why.
UNBOUNDED_TEXT = {
    # The CSV travels back from the preview whole; the import checks each cell's length.
    ("ImportConfirmForm", "content"),
    # The service keeps the first 2000 characters, as the page's maxlength asks.
    ("MeetingAnswerForm", "comment"),
    # Hidden buttons' return address, checked by safe_next and never stored.
    ("ActionForm", "next"),
}


def _forms() -> list[type[Form]]:
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name.rsplit(".", 1)[-1].endswith("forms"):
            importlib.import_module(module.name)
    found, todo = set(), [Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("app."):
                found.add(sub)
    return sorted(found, key=lambda f: (f.__module__, f.__name__))


def _fields(form: type[Form]):
    for name in dir(form):
        value = getattr(form, name, None)
        if isinstance(value, UnboundField):
            yield name, value


def _validators(field: UnboundField) -> list:
    return list(field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else []))


def test_the_app_has_forms():
    assert len(_forms()) > 20


@pytest.mark.parametrize("form", _forms(), ids=lambda f: f.__name__)
def test_every_whole_number_field_is_bounded(form):
    for name, field in _fields(form):
        if issubclass(field.field_class, IntegerField):
            ranges = [v for v in _validators(field) if isinstance(v, NumberRange)]
            assert ranges, f"{form.__name__}.{name} has no NumberRange"
            assert all(v.min is not None and v.max is not None and DB_INT_MIN <= v.min
                       and v.max <= DB_INT_MAX for v in ranges), f"{form.__name__}.{name}"


@pytest.mark.parametrize("form", _forms(), ids=lambda f: f.__name__)
def test_every_text_field_has_a_length(form):
    for name, field in _fields(form):
        if issubclass(field.field_class, StringField) and (form.__name__, name) not in \
                UNBOUNDED_TEXT:
            bounds = [v for v in _validators(field)
                      if isinstance(v, AnyOf) or (isinstance(v, Length) and v.max > 0)]
            assert bounds, f"{form.__name__}.{name} has no Length(max=...) or AnyOf"
