"""Answers to an event's questions: each checked against its question and stored in its form."""

from app.db import DB_INT_MAX, DB_INT_MIN
from app.events.errors import RegistrationError
from app.events.models import YES_NO_VALUES, Event, Question, QuestionKind

YES_NO = YES_NO_VALUES


def clean_answers(event: Event, answers: dict | None, *,
                  enforce_required: bool = True) -> dict:
    """Return the answers keyed by question id; raise RegistrationError("answers") if wrong.

    Text, choice and yes/no answers are strings, multiple choices a list, numbers an int. A
    conditional question whose condition is not met is not asked: an answer sent anyway is
    dropped, and it is never required.
    """
    answers = {str(k): v for k, v in (answers or {}).items()}
    cleaned: dict = {}
    errors: dict[str, str] = {}
    # Unconditional questions first: a conditional one reads the cleaned answer it depends on.
    for question in sorted(event.questions, key=lambda q: q.condition_question_id is not None):
        key = str(question.id)
        if not question.asked_for(cleaned):
            continue
        try:
            value = _clean_answer(question, answers.get(key))
        except ValueError as error:
            errors[key] = str(error)
            continue
        if value is None:
            if question.required and enforce_required:
                errors[key] = "required"
            continue
        cleaned[key] = value
    if errors:
        raise RegistrationError("answers", "invalid answers", errors)
    return cleaned


def _clean_answer(question: Question, value) -> str | int | list[str] | None:
    """Return one answer in its stored form, None when blank; raise ValueError(code) if wrong."""
    if question.kind == QuestionKind.MULTIPLE:
        picked = value if isinstance(value, list | tuple) else [value]
        picked = [v.strip() for v in picked if isinstance(v, str) and v.strip()]
        if any(v not in question.choice_list for v in picked):
            raise ValueError("choice")
        return [c for c in question.choice_list if c in picked] or None
    if question.kind == QuestionKind.NUMBER:
        return _clean_number(question, value)
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    if question.kind == QuestionKind.CHOICE and text not in question.choice_list:
        raise ValueError("choice")
    if question.kind == QuestionKind.YES_NO and text not in YES_NO:
        raise ValueError("yes_no")
    return text[:2000]


def _clean_number(question: Question, value) -> int | None:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if len(value) > 20:
            raise ValueError("number")
        try:
            value = int(value)
        except ValueError:
            raise ValueError("number") from None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("number")
    low = DB_INT_MIN if question.min_value is None else question.min_value
    high = DB_INT_MAX if question.max_value is None else question.max_value
    if not low <= value <= high:
        raise ValueError("range")
    return value
