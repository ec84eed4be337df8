"""Import and export of organisations and people as CSV (one row per person)."""

import csv
import io
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.members import queries, services
from app.members.models import (
    LANGUAGES,
    MemberStatus,
    Organisation,
    OrganisationKind,
    PartnerType,
    Person,
    Sector,
)
from app.text import from_spreadsheet, spreadsheet_cell, strip_control_characters

COLUMNS = (
    "organisation",
    "organisation_kind",
    "status",
    "partner_type",
    "is_company",
    "sectors",
    "commune",
    "address",
    "website",
    "first_name",
    "last_name",
    "email",
    "phone",
    "language",
    "consent",
    "job_title",
)
REQUIRED_COLUMNS = ("organisation", "email")
#: Where each text column of the file is stored: its length limit is that column's.
STORED_IN = {
    "organisation": Organisation.name,
    "commune": Organisation.commune,
    "address": Organisation.address,
    "website": Organisation.website,
    "first_name": Person.first_name,
    "last_name": Person.last_name,
    "email": Person.email,
    "phone": Person.phone,
    "job_title": Person.job_title,
}
TRUE_WORDS = {"yes", "y", "true", "1", "oui", "ja", "x"}
FALSE_WORDS = {"no", "n", "false", "0", "non", "nee", ""}


@dataclass
class RowError:
    """One problem found in an imported CSV file: its line, column and message."""

    line: int
    column: str
    message: str


@dataclass
class ImportPlan:
    """What an import would do, or why it cannot."""

    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    new_organisations: set[str] = field(default_factory=set)
    new_people: int = 0
    updated_people: int = 0

    @property
    def ok(self) -> bool:
        """Tell whether the import has rows and no errors, so it may go ahead."""
        return not self.errors and bool(self.rows)


def decode(raw: bytes) -> str:
    """Decode an uploaded file as UTF-8 (a BOM is allowed) or raise ValueError.

    Control characters are removed, as from every typed form: the preview then shows exactly
    the text that the confirmation sends back and imports.
    """
    try:
        return strip_control_characters(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(
            _(
                'The file is not UTF-8 text (line %(line)d). Save it as "CSV UTF-8" and try again.',
                line=line,
            )
        ) from None


def _bool(value: str, line: int, column: str, errors: list[RowError]) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    errors.append(RowError(line, column, _("'%(value)s' is not yes or no", value=value)))
    return False


def plan_import(text: str) -> ImportPlan:
    """Validate every row and describe the import, without changing anything.

    The preview and the confirmation both call this, so what the preview accepts imports.
    """
    try:
        return _plan_rows(strip_control_characters(text))
    except csv.Error as exc:  # a field over the csv module's limit, a broken quote
        plan = ImportPlan()
        plan.errors.append(RowError(1, "", _("The file cannot be read as CSV: %(reason)s",
                                             reason=str(exc))))
        return plan


def _plan_rows(text: str) -> ImportPlan:
    plan = ImportPlan()
    if not text.strip():
        plan.errors.append(RowError(1, "", _("The file is empty.")))
        return plan
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        plan.errors.append(
            RowError(
                1,
                ", ".join(missing),
                _("Missing column(s): %(columns)s", columns=", ".join(missing)),
            )
        )
        return plan
    reader.fieldnames = header
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    seen_emails: dict[str, int] = {}
    for line_no, raw in enumerate(reader, start=2):
        row = {k: from_spreadsheet((v or "").strip()) for k, v in raw.items() if k in COLUMNS}
        if not any(row.values()):
            continue
        errors: list[RowError] = []
        org_name = row.get("organisation", "")
        kind = (row.get("organisation_kind") or "member").lower()
        if kind not in {k.value for k in OrganisationKind}:
            errors.append(
                RowError(
                    line_no,
                    "organisation_kind",
                    _("'%(value)s' is not member or partner", value=kind),
                )
            )
        status = (row.get("status") or ("active" if kind == "member" else "")).lower()
        if kind == "member" and status not in {s.value for s in MemberStatus}:
            errors.append(
                RowError(
                    line_no,
                    "status",
                    _("'%(value)s' is not candidate, active or former", value=status),
                )
            )
        partner_type = (row.get("partner_type") or "").lower()
        if kind == "partner" and partner_type not in {p.value for p in PartnerType}:
            errors.append(
                RowError(
                    line_no,
                    "partner_type",
                    _(
                        "'%(value)s' is not academic, institutional, support or financial",
                        value=partner_type,
                    ),
                )
            )
        sector_codes = [
            c.strip().lower()
            for c in row.get("sectors", "").replace("|", ";").replace(",", ";").split(";")
            if c.strip()
        ]
        for code in sector_codes:
            if code not in sectors:
                errors.append(
                    RowError(line_no, "sectors", _("unknown sector '%(code)s'", code=code))
                )
        email = row.get("email", "")
        if email:
            try:
                email = validate_email(email, check_deliverability=False).normalized.lower()
            except EmailNotValidError:
                errors.append(
                    RowError(
                        line_no, "email", _("'%(value)s' is not an email address", value=email)
                    )
                )
            else:
                if email in seen_emails:
                    errors.append(
                        RowError(
                            line_no,
                            "email",
                            _(
                                "%(email)s appears twice (also on line %(line)d)",
                                email=email,
                                line=seen_emails[email],
                            ),
                        )
                    )
                seen_emails.setdefault(email, line_no)
        elif not org_name:
            errors.append(
                RowError(line_no, "email", _("Either an email or an organisation is needed."))
            )
        language = (row.get("language") or "fr").lower()
        if language not in LANGUAGES:
            errors.append(
                RowError(line_no, "language", _("'%(value)s' is not fr, nl or en", value=language))
            )
        is_company = _bool(row.get("is_company") or "yes", line_no, "is_company", errors)
        consent = _bool(row.get("consent", ""), line_no, "consent", errors)
        for column, stored_in in STORED_IN.items():
            limit = stored_in.type.length
            if len(row.get(column, "")) > limit:
                errors.append(
                    RowError(line_no, column, _("longer than %(limit)d characters", limit=limit))
                )
        plan.errors.extend(errors)
        if errors:
            continue
        if org_name and queries.get_organisation_by_name(org_name) is None:
            plan.new_organisations.add(org_name.lower())
        if email:
            if queries.get_person_by_email(email) is None:
                plan.new_people += 1
            else:
                plan.updated_people += 1
        plan.rows.append(
            {
                "line": line_no,
                "organisation": org_name,
                "kind": kind,
                "status": status if kind == "member" else None,
                "partner_type": partner_type if kind == "partner" else None,
                "is_company": is_company,
                "sector_codes": sector_codes,
                "commune": row.get("commune", ""),
                "address": row.get("address", ""),
                "website": row.get("website", ""),
                "first_name": row.get("first_name", ""),
                "last_name": row.get("last_name", ""),
                "email": email,
                "phone": row.get("phone", ""),
                "language": language,
                "consent": consent,
                "job_title": row.get("job_title", ""),
            }
        )
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(1, "", _("The file has a header but no rows.")))
    return plan


def apply_import(plan: ImportPlan) -> tuple[int, int]:
    """Carry out a valid plan; return (organisations created, people created or updated)."""
    if not plan.ok:
        raise ValueError("only a plan without errors can be applied")
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    created_orgs = 0
    people = 0
    for row in plan.rows:
        organisation = None
        if row["organisation"]:
            organisation = queries.get_organisation_by_name(row["organisation"])
            if organisation is None:
                organisation = Organisation(
                    name=row["organisation"],
                    kind=OrganisationKind(row["kind"]),
                    status=MemberStatus(row["status"]) if row["status"] else None,
                    partner_type=PartnerType(row["partner_type"]) if row["partner_type"] else None,
                    is_company=row["is_company"],
                    commune=row["commune"],
                    address=row["address"],
                    website=row["website"],
                    sectors=[sectors[c] for c in row["sector_codes"]],
                )
                db.session.add(organisation)
                db.session.flush()
                created_orgs += 1
        if row["email"]:
            person = queries.get_person_by_email(row["email"])
            data = {
                "email": row["email"],
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "phone": row["phone"],
                "language": row["language"],
                "consent_contact": row["consent"],
                "job_title": row["job_title"],
                "organisation_id": organisation.id if organisation else None,
            }
            services.save_person(person, data)
            people += 1
    return created_orgs, people


def export_csv() -> str:
    """Write every organisation and person in the import format."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    for org in organisations:
        org_cols = [
            org.name,
            org.kind.value,
            org.status.value if org.status else "",
            org.partner_type.value if org.partner_type else "",
            "yes" if org.is_company else "no",
            ";".join(s.code for s in org.sectors),
            org.commune,
            org.address,
            org.website,
        ]
        people = org.people or [None]
        for person in people:
            writer.writerow([spreadsheet_cell(v) for v in org_cols + _person_cols(person)])
    independents = db.session.scalars(
        select(Person).where(Person.organisation_id.is_(None)).order_by(Person.email)
    )
    for person in independents:
        row = [person.organisation_name, "", "", "", "", "", "", "", ""] + _person_cols(person)
        writer.writerow([spreadsheet_cell(v) for v in row])
    return out.getvalue()


def _person_cols(person: Person | None) -> list[str]:
    if person is None:
        return [""] * 7
    return [
        person.first_name,
        person.last_name,
        person.email,
        person.phone,
        person.language,
        "yes" if person.consent_contact else "no",
        person.job_title,
    ]
