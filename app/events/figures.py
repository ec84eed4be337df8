"""Registration figures of one event: over time, by organisation type and sector, by status,
and the show rate; the chart is a small SVG drawn by pygal on the server."""

from collections import Counter
from dataclasses import dataclass

import pygal
from flask_babel import format_date
from flask_babel import gettext as _
from pygal.etree import etree
from pygal.style import Style

from app.events.attendance import get_registrations, get_status_counts, item_figures
from app.events.models import Event, RegistrationStatus
from app.members.labels import KIND_LABELS as ORGANISATION_KIND_LABELS
from app.timezone import local_day

#: The chart's colours: the interface's green, on white, no script (the page's CSP).
CHART_STYLE = Style(background="white", plot_background="white", colors=("#198754",))


@dataclass
class Figures:
    """What the figures page shows."""

    statuses: dict[str, int]
    by_kind: list[tuple[str, int]]
    by_sector: list[tuple[str, int]]
    #: Checked in / confirmed, once anybody is checked in (None before).
    show_rate: float | None
    per_day: list[tuple[str, int]]
    #: People checked in at each programme item with a check-in (a study trip's visits).
    per_item: list[tuple[str, int]]


def event_figures(event: Event, language: str) -> Figures:
    """Count the event's registrations (cancelled ones apart) by what the organisers ask."""
    registrations = [r for r in get_registrations(event)
                     if r.status != RegistrationStatus.CANCELLED]
    kinds: Counter = Counter()
    sectors: Counter = Counter()
    days: Counter = Counter()
    for registration in registrations:
        organisation = registration.person.organisation
        kinds[str(ORGANISATION_KIND_LABELS[organisation.kind]) if organisation
              else _("No member organisation")] += 1
        for sector in organisation.sectors if organisation else []:
            sectors[sector.label(language)] += 1
        days[local_day(registration.created_at)] += 1
    counts = get_status_counts(event)
    show_rate = (counts["checked_in"] / counts["confirmed"]
                 if counts["confirmed"] and counts["checked_in"] else None)
    running = 0
    per_day = []
    for day in sorted(days):
        running += days[day]
        per_day.append((format_date(day, "d MMM"), running))
    return Figures(statuses=counts, by_kind=kinds.most_common(), by_sector=sectors.most_common(),
                   show_rate=show_rate, per_day=per_day,
                   per_item=[(item.title(language), number)
                             for item, number in item_figures(event)])


def registrations_chart(figures: Figures) -> bytes:
    """Draw the registrations over time (running total per day) as an SVG without scripts."""
    chart = pygal.Bar(style=CHART_STYLE, width=640, height=260, show_legend=False, js=[],
                      title=_("Registrations over time"), x_label_rotation=30,
                      print_values=True, disable_xml_declaration=False)
    chart.x_labels = [day for day, _count in figures.per_day]
    chart.add(_("Registrations"), [count for _day, count in figures.per_day])
    tree = chart.render_tree()
    # pygal always writes its tooltip configuration as a script: an image needs none.
    for parent in list(tree.iter()):
        for child in [c for c in parent if str(c.tag).endswith("script")]:
            parent.remove(child)
    # pygal's own choice of XML library (lxml when installed) writes it back.
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)
