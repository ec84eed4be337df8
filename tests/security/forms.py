"""Read the POST forms of a page: action, fields, options and the values a browser would send."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Field:
    """One named control: its kind (text, select, checkbox, file...), value and options."""

    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    multiple: bool = False


@dataclass
class Form:
    """A POST form: where it goes, how it is encoded and its controls, in page order."""

    action: str
    multipart: bool
    fields: list[Field] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """Return the distinct field names, in page order."""
        return list(dict.fromkeys(f.name for f in self.fields))

    def controls(self, name: str) -> list[Field]:
        """Return the controls that share a name (a group of checkboxes or radios)."""
        return [f for f in self.fields if f.name == name]


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urljoin(self.page_url, a.get("action") or self.page_url)
                self.form = Form(urlsplit(action)._replace(scheme="", netloc="").geturl(),
                                 "multipart" in a.get("enctype", ""))
                self.forms.append(self.form)
            return
        if tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
            if "selected" in a and not self.select.value:
                self.select.value = a.get("value", "")
            return
        if self.form is None or not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            default = "y" if kind in ("checkbox", "radio") else ""
            self.form.fields.append(Field(a["name"], kind, a.get("value", default),
                                          checked="checked" in a))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.form.fields.append(Field(a["name"], "submit", a.get("value", "")))
        elif tag == "select":
            self.select = Field(a["name"], "select", multiple="multiple" in a)
            self.form.fields.append(self.select)
        elif tag == "textarea":
            self.textarea = Field(a["name"], "textarea")
            self.form.fields.append(self.textarea)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def parse_forms(html: str, page_url: str) -> list[Form]:
    """Return the POST forms of a page, their actions as paths relative to the site."""
    parser = _Parser(page_url)
    parser.feed(html)
    for form in parser.forms:
        for f in form.fields:
            if f.kind == "select" and not f.value and f.options:
                f.value = f.options[0]
    return parser.forms
