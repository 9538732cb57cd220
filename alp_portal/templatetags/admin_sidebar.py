"""The admin's navigation sidebar, rendered once per kind of visitor and current app and model.

Django renders `admin/nav_sidebar.html` on every admin page: 31 models, each compared with the page's path
four times, their names translated; a tenth of a changelist's time (bench/page_load.py, issue 14). Its HTML
depends only on the list of apps (alp_portal/admin_site.py: who asks and in which language), on which of their
addresses the page's path holds (the current app and model) and on the language: rendered once per such key in
each process, Django's own template, so the HTML is Django's.
"""

from urllib.parse import quote

from django import template
from django.template.loader import get_template

from alp_portal.admin_site import visitor_key
from alp_portal.memo import remembered

register = template.Library()

_SIDEBARS = {}
_SIDEBARS_LIMIT = 1024


def current_addresses(app_list, path):
    """The addresses of the apps and models that the page's path holds, as the template compares them."""
    path = quote(path)  # the template's `request.path|urlencode`
    return tuple(
        address
        for app in app_list
        for address in (app["app_url"], *(model["admin_url"] for model in app["models"]))
        if address and address in path
    )


@register.simple_tag(takes_context=True)
def nav_sidebar(context):
    request = context["request"]
    app_list = context.get("available_apps") or []
    # The apps shown are in the key too: a page that builds its own context without them gets its own sidebar.
    apps = tuple(app["app_label"] for app in app_list)
    key = (visitor_key(request), apps, current_addresses(app_list, request.path))
    return remembered(
        _SIDEBARS,
        key,
        lambda: get_template("admin/nav_sidebar.html").render({"available_apps": app_list, "request": request}),
        limit=_SIDEBARS_LIMIT,
    )
