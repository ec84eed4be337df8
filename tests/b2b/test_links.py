"""Organisers revoke a B2B participant's personal links, and may mail a new portal link."""

import re

from app.b2b.queries import make_participant_token
from tests.factories import make_participant, make_session
from tests.mails import outbox, parse, text_body

EN = {"Accept-Language": "en"}


def _reason(response) -> str | None:
    found = re.search(r'data-testid="token-error" data-reason="(\w+)"', response.get_data(True))
    return found.group(1) if found else None


def test_organiser_revoke_refuses_the_old_portal_link_and_mails_a_new_one(db, logged_in):
    session = make_session()
    participant = make_participant(session, "bob@example.org", first_name="Bob")
    db.session.commit()
    old = f"/b2b/{session.id}/me/{make_participant_token(participant)}/"

    answer = logged_in.post(
        f"/admin/b2b/{session.id}/participants/{participant.id}/revoke-links",
        data={"send": "1"}, headers=EN)
    [mail] = outbox("b2b.portal_link")
    new = re.search(r"http://localhost(/b2b/\S+)", text_body(parse(mail.raw))).group(1)

    assert answer.status_code == 302
    assert logged_in.get(old, headers=EN).status_code == 403
    assert _reason(logged_in.get(old, headers=EN)) == "revoked"
    assert logged_in.get(new, headers=EN).status_code == 200
    assert mail.recipient == "bob@example.org"
    assert mail.subject == "Your new B2B link: B2B"  # the session title


def test_organiser_revoke_without_mail_only_revokes(db, logged_in):
    session = make_session()
    participant = make_participant(session, "bob@example.org")
    db.session.commit()
    old = f"/b2b/{session.id}/me/{make_participant_token(participant)}/"

    logged_in.post(f"/admin/b2b/{session.id}/participants/{participant.id}/revoke-links",
                   data={"send": "0"}, headers=EN)

    assert _reason(logged_in.get(old, headers=EN)) == "revoked"
    assert outbox() == []


def test_organiser_revoke_with_a_bad_choice_is_400(db, logged_in):
    session = make_session()
    participant = make_participant(session, "bob@example.org")
    db.session.commit()
    old = f"/b2b/{session.id}/me/{make_participant_token(participant)}/"

    answer = logged_in.post(
        f"/admin/b2b/{session.id}/participants/{participant.id}/revoke-links",
        data={"send": "maybe"}, headers=EN)

    assert answer.status_code == 400
    assert logged_in.get(old, headers=EN).status_code == 200
