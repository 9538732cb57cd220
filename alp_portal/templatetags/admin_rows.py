"""The rows of the admin's changelists, the HTML Django's `items_for_result` writes, with what is the same for
every row of a column worked out once per list.

Django decides for every cell afresh what only depends on its column: the empty-value mark, the cell's CSS
class, whether it holds the link, the terminal field of a `__` path, the choices of a field (a dict of the
translated labels built per cell), the yes/no icon's static address (resolved per boolean cell); and it writes
each cell through `format_html`, whose lazy-text wrappers cost more than the escaping. That was a third of a
changelist's time (450 cells a page, bench/profile_page.py, issue 14). Here each column is planned once per
list and each cell is escaped as `format_html` escapes it. Lists that edit rows in place (`list_editable`) and
pop-up lists keep Django's own rows. tests/test_admin_rows.py compares every changelist's rows with Django's.
"""

import contextlib
import datetime
import html

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import display_for_field, display_for_value, get_fields_from_path, lookup_field
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connections, models
from django.db.models.constants import LOOKUP_SEP
from django.template import Library
from django.urls import NoReverseMatch
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from ..admin_reads import keep_page

register = Library()

_UNSET = object()


def escaped(value):
    """`conditional_escape`, without the lazy-text wrapper around it (the same text)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class BooleanIcons(dict):
    """Django's yes/no/unknown icons, each resolved once per list (its static address is the same every time)."""

    def __missing__(self, value):
        icon = self[value] = admin_list._boolean_icon(value)
        return icon


class Column:
    """One column of a changelist: what Django's `items_for_result` decides per cell that depends on the column
    alone, decided once."""

    def __init__(self, cl, index, field_name, is_link, is_first_link, icons):
        self.cl, self.field_name, self.icons = cl, field_name, icons
        self.empty = cl.model_admin.get_empty_value_display()
        self.css = f"field-{admin_list._coerce_field_name(field_name, index)}"
        self.is_link = is_link
        self.tag = "th" if is_first_link else "td"
        self._terminal = _UNSET
        self._choices = _UNSET
        self._classes = {}
        self._lookup = None
        self._suffix = _UNSET

    def cell(self, result):
        """The cell's HTML, as `items_for_result` writes it."""
        classes = [self.css]
        try:
            f, attr, value = self.lookup(result)
        except ObjectDoesNotExist:
            text = self.empty
        else:
            empty = getattr(attr, "empty_value_display", self.empty)
            if f is None and isinstance(self.field_name, str) and LOOKUP_SEP in self.field_name:
                f = self.terminal_field()
            if f is None or f.auto_created:
                if self.field_name == "action_checkbox":
                    classes = ["action-checkbox"]
                boolean = getattr(attr, "boolean", False)
                if isinstance(attr, property) and hasattr(attr, "fget"):
                    boolean = getattr(attr.fget, "boolean", False)
                if boolean and (value is None or value is True or value is False):
                    text = self.icons[value]
                else:
                    text = display_for_value(value, empty, boolean)
                if isinstance(value, (datetime.date, datetime.time)):
                    classes.append("nowrap")
            else:
                if isinstance(f.remote_field, models.ManyToOneRel):
                    text = empty if value is None else value
                else:
                    text = self.field_display(value, f, empty)
                if isinstance(f, (models.DateField, models.TimeField, models.ForeignKey)):
                    classes.append("nowrap")
        row_class = self.row_class(classes)
        if not self.is_link:
            return SafeString(f"<td{row_class}>{escaped(text)}</td>")
        try:
            url = self.cl.url_for_result(result)
        except NoReverseMatch:
            inner = escaped(text)
        else:
            inner = f'<a href="{escaped(self.with_filters(url))}">{escaped(text)}</a>'
        return SafeString(f"<{self.tag}{row_class}>{inner}</{self.tag}>")

    def lookup(self, result):
        """`lookup_field`: (field, attribute, value). Whether the column is a field, a callable or a method of the
        model admin is the same for every row: learnt from the first row, then only the value is read."""
        if self._lookup is not None:
            return self._lookup(result)
        f, attr, value = lookup_field(self.field_name, result, self.cl.model_admin)
        name, model_admin = self.field_name, self.cl.model_admin
        if f is not None:
            self._lookup = lambda row: (f, None, getattr(row, name))
        elif callable(name):
            self._lookup = lambda row: (None, name, name(row))
        elif hasattr(model_admin, name) and name != "__str__":
            method = getattr(model_admin, name)
            self._lookup = lambda row: (None, method, method(row))
        else:  # the row's own attribute or a path through its relations: as Django reads it, each time
            self._lookup = lambda row: lookup_field(name, row, model_admin)
        return f, attr, value

    def terminal_field(self):
        if self._terminal is _UNSET:
            try:
                self._terminal = get_fields_from_path(self.cl.model, self.field_name)[-1]
            except FieldDoesNotExist:
                self._terminal = None
        return self._terminal

    def field_display(self, value, field, empty):
        """`display_for_field`, with a field's choices read once per list and its yes/no icons resolved once."""
        if self._choices is _UNSET:
            self._choices, self._plain_boolean = None, False
            if field.name == "password":
                pass  # a user's password hash: Django's own way
            elif getattr(field, "flatchoices", None):
                with contextlib.suppress(TypeError):  # list-like choices: Django's own way
                    # Lazy labels translated once per list, not once per cell (the language is the list's).
                    self._choices = {
                        value: str(label) if isinstance(label, Promise) else label for value, label in field.flatchoices
                    }
            else:
                self._plain_boolean = isinstance(field, models.BooleanField)
        if self._choices is not None:
            try:
                return self._choices.get(value, empty)
            except TypeError:  # an unhashable value: Django's own way
                pass
        elif self._plain_boolean and (value is None or value is True or value is False):
            return self.icons[value]
        return display_for_field(value, field, empty, avoid_link=self.is_link)

    def row_class(self, classes):
        key = tuple(classes)
        if key not in self._classes:
            self._classes[key] = f' class="{" ".join(classes)}"'
        return self._classes[key]

    def with_filters(self, url):
        """The row's change address with the list's filters kept, as Django adds them (the same query string for
        every row of a list: worked out on the first row, then appended)."""
        if self._suffix is _UNSET:
            kept = add_preserved_filters({"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts}, url)
            self._suffix = kept[len(url) :] if kept.startswith(url) and "?" not in url else None
            return kept
        if self._suffix is None:
            return add_preserved_filters({"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts}, url)
        return url + self._suffix


def columns(cl):
    icons = BooleanIcons()
    planned, first = [], True
    for index, field_name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            is_link = False
        elif first and not cl.list_display_links:
            is_link = True
        else:
            is_link = field_name in cl.list_display_links
        planned.append(Column(cl, index, field_name, is_link, is_link and first, icons))
        first = first and not is_link
    return planned


def results(cl):
    """The page's rows, each the HTML of its cells as Django's `results` gives them."""
    if cl.formset or cl.is_popup:
        return list(admin_list.results(cl))
    kept = getattr(cl, "kept_rows", None)
    if kept is None:
        kept = rendered_rows(cl)
    # Each row's cells joined: the template writes a row's items one after the other, so one item is the same
    # HTML with 450 fewer turns of its loop (its `result|length` is read only for the lists left to Django).
    return [admin_list.ResultList(None, [row]) for row in kept]


def rendered_rows(cl):
    """The HTML of each row's cells; kept for the next request (alp_portal/admin_reads.py) by a list that keeps its
    pages, if no cell read the database: a cell that did depends on what the page's key does not follow."""
    planned = columns(cl)
    key = getattr(cl, "page_key", None)
    queried = []
    watched = (
        contextlib.nullcontext()
        if key is None
        else connections[cl.queryset.db].execute_wrapper(lambda execute, *args: queried.append(1) or execute(*args))
    )
    with watched:
        html = [SafeString("".join([column.cell(result) for column in planned])) for result in cl.result_list]
    if key is not None and not queried:
        keep_page(key, html)
    return html


def result_list(cl):
    """Django's `result_list` context, with the rows above."""
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": results(cl),
    }


@register.tag(name="portal_result_list")
def result_list_tag(parser, token):
    return InclusionAdminNode(
        "portal_result_list", parser, token, func=result_list, template_name="change_list_results.html",
        takes_context=False,
    )  # fmt: skip
