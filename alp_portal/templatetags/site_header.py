"""The site's navigation and language switcher, each rendered once per kind of reader and page.

Every page of the portal renders `includes/nav.html` (eleven reversed addresses, fourteen translated labels) and
`includes/language_switcher.html`: a tenth of an official's home (bench/profile_page.py, issue 14). Their HTML
depends only on the language, the site's address, the page (its URL name and, for the questionnaires, its kind)
and the kind of reader (signed in, an official, staff), which are the key; and on two things of the request,
its CSRF token and its own address (where the language switcher comes back to), written in afterwards. Rendered
with the templates themselves, so the HTML is theirs (tests/test_site_header.py compares it).
"""

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from alp_portal.memo import remembered

register = template.Library()

# Written where the request's own values go; letters and dashes only, so that escaping leaves them whole.
CSRF_MARK = "alp-csrf-token-mark"
PATH_MARK = "alp-request-path-mark"

_RENDERED = {}
_RENDERED_LIMIT = 1024


class _Page:
    """What the templates read of the request, the path being the mark."""

    def __init__(self, request):
        self.resolver_match = request.resolver_match

    def get_full_path(self):
        return PATH_MARK


def reader_key(context):
    request, user = context["request"], context["user"]
    match = request.resolver_match
    signed_in = user.is_authenticated
    return (
        get_language(),
        get_script_prefix(),
        match.url_name if match else None,
        match.kwargs.get("kind") if match else None,
        signed_in,
        signed_in and getattr(user, "official", None) is not None,
        user.is_staff,
    )


def _render(name, context):
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # a page rendered without its request's token: as it is
        return mark_safe(context.template.engine.get_template(name).render(context))
    values = {"request": _Page(context["request"]), "user": context["user"], "csrf_token": CSRF_MARK}
    html = remembered(
        _RENDERED, (name, reader_key(context)), lambda: get_template(name).render(values), limit=_RENDERED_LIMIT
    )
    # The token read as the template reads it (which marks the CSRF cookie as used).
    return mark_safe(
        html.replace(CSRF_MARK, escape(str(token))).replace(PATH_MARK, escape(context["request"].get_full_path()))
    )


@register.simple_tag(takes_context=True)
def site_nav(context):
    return _render("includes/nav.html", context)


@register.simple_tag(takes_context=True)
def language_switcher(context):
    return _render("includes/language_switcher.html", context)
