"""The fields of the admin's actions form (the select of actions and the hidden "across" field), rendered once per
language and set of actions in each process.

Django renders the form's widgets through the template engine on every list page, twice when the actions bar is
shown at the top and bottom: about 0.3 ms each on the attendance list (bench/page_load.py, issue 14). An unbound
form's HTML depends only on its class, its actions (values and labels, in the reader's language) and the
language; a bound one (an action submitted with an error) is rendered as Django renders it. Django's own
template fragment renders both, so the HTML is Django's.
"""

from django import template
from django.template import engines
from django.utils.translation import get_language

from alp_portal.memo import remembered

register = template.Library()

# Django's admin/actions.html, block actions-form.
_FIELDS = engines["django"].from_string(
    "{% for field in action_form %}{% if field.label %}<label>{{ field.label }} {{ field }}</label>"
    "{% else %}{{ field }}{% endif %}{% endfor %}"
)
_RENDERED = {}
_RENDERED_LIMIT = 512


@register.simple_tag
def action_form_fields(action_form):
    render = lambda: _FIELDS.render({"action_form": action_form})  # noqa: E731
    if action_form.is_bound:
        return render()
    actions = tuple((value, str(label)) for value, label in action_form.fields["action"].choices)
    return remembered(_RENDERED, (type(action_form), get_language(), actions), render, limit=_RENDERED_LIMIT)
