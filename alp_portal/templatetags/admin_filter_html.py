"""The admin lists' filters, each rendered once per set of choices, selection and language in each process.

Django renders every filter of a list on every page: a query string built for each choice, then its template,
about 0.7 ms of the attendance list and more of the local governments list with its eight filters (bench/
page_load.py, issue 14). A filter's HTML depends only on its choices (read or kept before it is rendered), the
list's query string and the language, which make the key, for the filters whose `choices` are Django's own.
Filters that show counts (facets) or depend on the day (dates) are rendered as Django renders them.
"""

from django import template
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.utils.functional import Promise
from django.utils.translation import get_language

from alp_portal.memo import remembered

register = template.Library()

# Filters whose `choices(cl)` depend on nothing but their choices, the list's parameters and the language.
_PURE = {
    admin.RelatedFieldListFilter.choices,
    admin.ChoicesFieldListFilter.choices,
    admin.BooleanFieldListFilter.choices,
    admin.AllValuesFieldListFilter.choices,
    admin.SimpleListFilter.choices,
}
_RENDERED = {}
_RENDERED_LIMIT = 1024


@register.simple_tag
def kept_list_filter(cl, spec):
    """`{% kept_list_filter cl spec %}`: Django's `admin_list_filter`, rendered once per key."""
    if cl.add_facets or type(spec).choices not in _PURE:
        return admin_list_filter(cl, spec)
    key = (
        get_language(),
        cl.model,
        type(spec),
        getattr(spec, "field", None),
        getattr(spec, "field_path", None),
        str(spec.title),
        spec.template,
        repr(_plain(getattr(spec, "lookup_choices", None))),  # the choices read, by value
        tuple(sorted((name, tuple(values)) for name, values in cl.filter_params.items())),
        tuple(sorted(cl.params.items())),
    )
    return remembered(_RENDERED, key, lambda: admin_list_filter(cl, spec), limit=_RENDERED_LIMIT)


def _plain(choices):
    """The choices with their lazy labels as text (a lazy label's own repr names the object, not the text)."""
    if choices is None:
        return None
    return [
        tuple(str(part) if isinstance(part, Promise) else part for part in choice)
        if isinstance(choice, (list, tuple))
        else choice
        for choice in choices
    ]
