"""Our admin pages look like Django 6.1's own: its breadcrumbs are an ordered list (styled as the dark bar,
the current page marked for screen readers); the old <div class="breadcrumbs"> shows as plain text."""

import re
from pathlib import Path

from django.conf import settings

ADMIN_TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "admin").rglob("*.html"))


def test_admin_templates_breadcrumbs_are_django_6_lists():
    blocks = {}
    for path in ADMIN_TEMPLATES:
        match = re.search(r"\{% block breadcrumbs %\}(.*?)\{% endblock %\}", path.read_text(), re.S)
        if match:
            blocks[str(path.relative_to(path.parents[2]))] = match[1]
    assert len(blocks) >= 8
    for name, block in blocks.items():
        assert '<ol class="breadcrumbs">' in block, name
        assert block.count('aria-current="page"') == 1, name
        assert "<div" not in block and "&rsaquo;" not in block, name


def block(source, name):
    """The text of `{% block name %}` in a template's source (its first `{% endblock %}`: these blocks hold none)."""
    match = re.search(r"\{% block " + name + r" %\}(.*?)\{% endblock", source, re.S)
    assert match, name
    return match[1]


def test_the_changelist_blocks_we_copy_are_djangos_but_for_our_tags():
    """templates/admin/change_list.html copies two blocks of Django's changelist to swap one tag in each
    (alp_portal/templatetags/admin_media.py, admin_filter_html.py): a Django upgrade that changes either block
    fails here until the copy is made again."""
    import django.contrib.admin

    djangos = (Path(django.contrib.admin.__file__).parent / "templates/admin/change_list.html").read_text()
    ours = (Path(settings.BASE_DIR) / "templates/admin/change_list.html").read_text()

    def words(text):
        return text.split()

    # Django's extrahead adds its parents' (empty in the admin's base templates) before the media.
    assert words(block(djangos, "extrahead").replace("{{ block.super }}", "")) == words(
        block(ours, "extrahead").replace("{% kept_media media.js %}", "{% csp_nonce_attr media.js %}")
    )
    assert words(block(djangos, "filters")) == words(
        block(ours, "filters").replace("{% kept_list_filter cl spec %}", "{% admin_list_filter cl spec %}")
    )
