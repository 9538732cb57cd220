"""The admin's actions, audited across every app: which are offered on an object's own page, and how an
action's own page (a reason to give, people to choose) posts the action back."""

import re
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import ActionLocation

ADMIN_TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "admin").rglob("*.html"))


def change_form_actions():
    found = set()
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.actions or []:
            func = getattr(model_admin, name, None) if isinstance(name, str) else name
            if ActionLocation.CHANGE_FORM in getattr(func, "locations", []):
                found.add(f"{model._meta.label_lower}.{func.__name__}")
    return found


def test_change_form_actions_are_the_ones_driven_by_tests():
    # Each is driven from the object's own page in tests/certificates/test_revocation.py and the browser test
    # tests/browser/test_revocation_browser.py: a new one needs such a test before it joins this list.
    assert change_form_actions() == {"certificates.recognition.revoke_this"}


def test_action_pages_post_the_action_back_through_the_shared_fields():
    """Django posts a change page's action as "CHANGE_FORM-action": a page that writes "action" by hand
    reaches the change list's action only, and on an object's page its confirmation was saved as a form."""
    by_hand = [
        str(path.relative_to(settings.BASE_DIR))
        for path in ADMIN_TEMPLATES
        if re.search(r"""name=["'](action|_selected_action)["']|action_checkbox_name""", path.read_text())
    ]
    assert by_hand == []
    users = sorted(
        str(path.relative_to(settings.BASE_DIR))
        for path in ADMIN_TEMPLATES
        if "admin/includes/action_repost_fields.html" in path.read_text()
    )
    assert users == [
        "templates/admin/authorities/official/invite.html",
        "templates/admin/certificates/recognition/revoke.html",
        "templates/admin/reason_action.html",
        "templates/admin/workshops/event/send_invitations.html",
    ]
