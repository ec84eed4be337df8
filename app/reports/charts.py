"""Charts drawn on the server as SVG (pygal), with no script or inline style in the page.

pygal puts a `<style>` and a `<script>` into each SVG. The page's Content-Security-Policy
allows neither, so both are taken out: the style, the same for every chart once scoped to the
`pygal-chart` class, is served as `static/css/charts.css` (kept equal to `chart_css()` by a
test), and the script only drives tooltips. The numbers of each chart are shown beside it in a
table, for screen readers and for anyone.
"""

import functools
import re

import pygal
from lxml import etree
from markupsafe import Markup
from pygal.style import Style

STYLE = Style(background="white", plot_background="white", font_family="system-ui, sans-serif",
              colors=("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#c62828", "#00838f",
                      "#827717", "#4e342e"))
_OPTIONS = dict(js=[], disable_xml_declaration=True, style=STYLE, width=720, height=360,
                legend_at_bottom=True, print_values=False, show_y_guides=True, truncate_label=30,
                x_label_rotation=20)


def _prefix_re(chart) -> re.Pattern:
    return re.compile(r"#chart-" + re.escape(chart.uuid) + r"\s*")


@functools.cache
def chart_css() -> str:
    """Return the charts' stylesheet: pygal's style scoped to the `pygal-chart` class."""
    sample = pygal.Bar(**_OPTIONS)
    for number in range(len(STYLE.colors)):  # a rule per series colour: one series gives one
        sample.add(str(number), [1])
    tree = sample.render_tree()
    style = tree.find("defs/style")
    return _prefix_re(sample).sub(".pygal-chart ", style.text) + "\n"


def _clean(chart, label: str) -> Markup:
    tree = chart.render_tree()
    defs = tree.find("defs")
    for node in list(defs):
        if node.tag in ("style", "script"):
            defs.remove(node)
    for node in list(tree):
        if not isinstance(node.tag, str):  # pygal's comments (one carries the date)
            tree.remove(node)
    for node in tree.iter():
        # Tooltip boxes start hidden by an inline style; hidden without script, they go.
        if node.get("style"):
            del node.attrib["style"]
    tree.attrib.pop("id", None)
    tree.set("role", "img")
    tree.set("aria-label", label)
    tree.set("class", "pygal-chart")
    for node in list(tree.iter("g")):
        if node.get("class", "").startswith("tooltip"):
            node.getparent().remove(node)
    return Markup(etree.tostring(tree, encoding="unicode"))


Series = dict[str, list[float | int | None]]


#: More labels than this under a chart overlap: only every n-th is written then.
X_LABELS_SHOWN = 12


def draw(title: str, labels: list[str], series: Series, *, line: bool = False) -> Markup:
    """Return a bar chart (or a line chart) of the series over the labels, as inline SVG.

    The title names the chart for screen readers only: pages show it as a heading above.
    """
    thin = {}
    if len(labels) > X_LABELS_SHOWN:
        thin = dict(x_labels_major_every=-(-len(labels) // X_LABELS_SHOWN),
                    show_minor_x_labels=False)
    chart = (pygal.Line if line else pygal.Bar)(**_OPTIONS, **thin)
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _clean(chart, title)


def svg_document(markup: Markup) -> str:
    """Return a chart as a standalone SVG with its style inside (for PDFs and downloads)."""
    style = f"<style>{chart_css()}</style>"
    text = str(markup)
    if re.search(r"<defs\s*/>", text):
        return re.sub(r"<defs\s*/>", lambda _m: f"<defs>{style}</defs>", text, count=1)
    return text.replace("<defs>", f"<defs>{style}", 1)
