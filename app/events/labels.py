"""Translated labels of the events' enums, shared by the public and organiser pages."""

from flask_babel import lazy_gettext as _l

from app.events.models import Audience, EventKind, QuestionKind, RegistrationStatus

KIND_LABELS = {
    EventKind.CIRCLEMEET: _l("Circlemeet"),
    EventKind.SITE_VISIT: _l("Company or industry site visit"),
    EventKind.SEMINAR: _l("Seminar"),
    EventKind.STUDY_TRIP: _l("Study trip"),
    EventKind.AFTERWORK: _l("Afterwork"),
    EventKind.KNOWLEDGE_SESSION: _l("Knowledge-sharing session"),
    EventKind.WORKING_GROUP: _l("Sector working group"),
    EventKind.ANNUAL_EVENT: _l("Annual event"),
    EventKind.BROKERAGE: _l("B2B brokerage event"),
}
AUDIENCE_LABELS = {
    Audience.MEMBERS: _l("Members only"),
    Audience.MEMBERS_PARTNERS: _l("Members and partners"),
    Audience.PUBLIC: _l("Open to everyone"),
}
QUESTION_KIND_LABELS = {
    QuestionKind.TEXT: _l("Text"),
    QuestionKind.CHOICE: _l("Choice (one option per line)"),
    QuestionKind.MULTIPLE: _l("Multiple choice (several answers)"),
    QuestionKind.NUMBER: _l("Number"),
    QuestionKind.YES_NO: _l("Yes or no"),
}
#: Registration statuses as organisers read them.
REGISTRATION_STATUS_LABELS = {
    RegistrationStatus.UNCONFIRMED: _l("Address not confirmed"),
    RegistrationStatus.PENDING: _l("Awaiting approval"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("Waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}
#: Registration statuses as the attendee reads them on their own page.
ATTENDEE_STATUS_LABELS = {
    RegistrationStatus.UNCONFIRMED: _l("Waiting for your confirmation"),
    RegistrationStatus.PENDING: _l("Waiting for the organisers' approval"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}
#: The answers of a yes/no question as people read them.
YES_NO_LABELS = {"yes": _l("Yes"), "no": _l("No")}
