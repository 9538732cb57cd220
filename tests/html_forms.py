"""Post a page's form back as a browser would: its fields read from the rendered HTML, not typed by the test.

A test that builds the POST by hand checks what the test believes the page sends; the admin's action pages
once sent a field under another name than Django reads back, and only the page's own HTML shows that."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # [{"attrs": {...}, "fields": [(name, value)], "buttons": [(name, value, label)]}]
        self._form = None
        self._textarea = None
        self._select = None
        self._button = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "fields": [], "buttons": [], "selects": {}}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"].append((name, attrs.get("value", "on")))
            elif kind == "submit":
                self._form["buttons"].append((name, attrs.get("value", ""), attrs.get("value", "")))
            elif kind not in ("button", "file", "image", "reset"):
                self._form["fields"].append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
            self._form["selects"][name] = []
        elif tag == "option" and self._select:
            self._form["selects"][self._select].append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._button = [name, attrs.get("value", ""), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = self._form["selects"][self._select]
            chosen = [value for value, selected in options if selected] or [value for value, _s in options[:1]]
            self._form["fields"] += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "button" and self._button is not None:
            self._form["buttons"].append((self._button[0], self._button[1], self._button[2].strip()))
            self._button = None


def find_form(html, *, containing):
    """The one form of `html` with a field named `containing`, as {"action", "fields", "buttons"}."""
    parser = _Forms()
    parser.feed(html if isinstance(html, str) else html.decode())
    found = [
        form
        for form in parser.forms
        if any(name == containing for name, _v in form["fields"]) or containing in form["selects"]
    ]
    assert len(found) == 1, f"{len(found)} forms with a field {containing!r}"
    form = found[0]
    return {
        "action": form["attrs"].get("action", ""),
        "fields": form["fields"],
        "buttons": form["buttons"],
        "selects": form["selects"],
    }


def select_offering(form, value):
    """The name of the form's one select that offers the option `value` (say, an admin action)."""
    names = [name for name, options in form["selects"].items() if any(v == value for v, _s in options)]
    assert len(names) == 1, f"{len(names)} selects offer {value!r}"
    return names[0]


def post_data(form, *, button=None, **values):
    """The form's fields as the browser posts them: `values` replace the fields of those names (a list for
    several values), and the submit button named `button` (a name, or (name, value)) adds its own."""
    data = {}
    for name, value in form["fields"]:
        if name not in values:
            data.setdefault(name, []).append(value)
    for name, value in values.items():
        data[name] = value if isinstance(value, list) else [value]
    if button is not None:
        name, value = button if isinstance(button, tuple) else (button, None)
        matches = [(n, v) for n, v, _label in form["buttons"] if n == name and (value is None or v == value)]
        assert matches, f"no submit button {button!r} in {form['buttons']}"
        data[name] = [matches[0][1]]
    return data
