"""The error summary of a refused form: what is wrong, in one list at the top of the page, each line a link to
its field. It is announced (role="alert") and receives focus (static/js/error_summary.js), so that a screen
reader user hears the errors first instead of finding them one by one."""

from django import template

register = template.Library()


def field_target(bound_field):
    """The id of the element a summary line links to: the field's input, or the element holding a group of
    radios or checkboxes (Django gives it the field's id; our own templates put it on the group's fieldset)."""
    return bound_field.id_for_label or bound_field.auto_id


def form_errors(form, prefix=""):
    """(target id or None, text) for each error of `form`: its non-field errors first, then its fields'."""
    entries = [(None, f"{prefix}{error}") for error in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            label = bound_field.label or bound_field.name
            entries.append((field_target(bound_field), f"{prefix}{label}: {error}"))
    return entries


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context):
    """The summary of the page's `form`, `formset` (each form numbered as on the page) and `page_errors`."""
    entries = [(None, str(error)) for error in context.get("page_errors") or ()]
    form = context.get("form")
    if form is not None and hasattr(form, "non_field_errors") and form.is_bound:
        entries += form_errors(form)
    formset = context.get("formset")
    if formset is not None and hasattr(formset, "non_form_errors") and formset.is_bound:
        entries += [(None, str(error)) for error in formset.non_form_errors()]
        for number, member in enumerate(formset.forms, start=1):
            if member.errors:
                entries += form_errors(member, prefix=f"{number}. ")
    return {"entries": entries}
