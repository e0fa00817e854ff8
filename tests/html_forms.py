"""Read the fields of an HTML form as a browser would submit them, so tests post real admin forms."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select, self._textarea, self._text = None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (self.form_id is None or attrs.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if "disabled" in attrs:  # a browser does not send a disabled field
            name = None
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image"}:
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data.setdefault(self._textarea, []).append(text[1:] if text.startswith("\n") else text)
            self._textarea = None


def form_data(html, form_id=None):
    """{name: value or [values]} of the form with ``form_id`` (or the first form)."""
    parser = _FormParser(form_id)
    parser.feed(html if isinstance(html, str) else html.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in parser.data.items() if values}


def saved_and_approved(data, reason="Checked against the source"):
    """The fields of a record's form as an editor submits them with "Save and approve" (a reason is required)."""
    return {**data, "_saveandapprove": "Save and approve", "change_reason": data.get("change_reason") or reason}
