"""Strings of Django 6.1 itself that its Spanish or Portuguese catalogues leave untranslated, so that our
catalogues (LOCALE_PATHS come before Django's own) translate them: without this the admin's action bar said
"- Select an option -" and "Run" in English on Spanish pages, and screen readers heard English labels.

Nothing imports this module: it is here for makemessages. Drop a string once Django translates it.
"""

from django.utils.translation import gettext_noop, ngettext

DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),  # every select's blank choice (django.db.models.fields)
    gettext_noop("Run"),  # the admin's action bar
    gettext_noop("Logout"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("Search %(name)s"),
    gettext_noop("No %s matches the given query."),
    gettext_noop("View %s"),
    # The admin's confirmations: Django's Spanish and Portuguese put a masculine article before every model
    # name ("El invitación … fue agregado"); ours say it without one.
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop(
        "The %(name)s “%(obj)s” was deleted successfully."
    ),  # a read-only object's title: Django's Spanish says "Vista emisión", not "Ver emisión"
    # django-import-export's Spanish says "This importer will import" on the export page.
    gettext_noop("This exporter will export the following fields: "),
    # Month names: Brazilian usage writes them in lower case ("18 de novembro"); Django's Portuguese capitalises.
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
]


def _plurals():  # never called: makemessages finds plural forms only in ngettext calls
    return ngettext("…and %(count)d more object.", "…and %(count)d more objects.", 0)
