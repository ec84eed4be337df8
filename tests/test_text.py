"""Exceptions described on one line for logs and stored errors."""

from app.text import one_line, strip_control_characters


def test_one_line_folds_whitespace_and_names_the_type():
    error = ValueError("organisation 12 has no contact\n  see the members page")

    assert one_line(error) == "ValueError: organisation 12 has no contact see the members page"
    assert one_line(error, with_type=False) == (
        "organisation 12 has no contact see the members page")


def test_one_line_of_an_exception_without_message_is_its_type():
    assert one_line(RuntimeError()) == "RuntimeError"
    assert one_line(RuntimeError("  "), with_type=False) == "RuntimeError"


def test_strip_control_characters_keeps_tabs_line_ends_and_unicode():
    text = "A\x00n\x01n\x1b[0m\x7f\tB\r\nC é \u202e"

    assert strip_control_characters(text) == "Ann[0m\tB\r\nC é \u202e"
