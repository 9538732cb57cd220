"""Content in the reader's language: the words staff type (an event's title, an initiative's description, a
resource's title, the certificate's signatory title) in Spanish, Portuguese and English.

Spanish, the initiative's working language, stays in the field itself; the other languages live beside it in
one JSON field, `translations` ({"title": {"pt-br": "…", "en": "…"}}), on each model that has such words
(`TRANSLATED_FIELDS` on the model). A missing translation falls back to the Spanish, and says so: the text
carries the language it is in (`Localized.language`), so that a page marks it `lang="es"`.

Why not django-modeltranslation: it adds a column per field and language, rewrites queries on those fields
and changes what `obj.title` means by the active language — for every export, API answer, search and
constraint that reads these fields today. Here only what a reader sees changes: exports, the open data and
the API keep the working language, and one function (`localized`) is all a page, an e-mail, a calendar or a
PDF calls.
"""

from django import forms
from django.conf import settings
from django.utils.text import capfirst, format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SOURCE_LANGUAGE = "es"  # the language of the field itself
OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE]


class Localized(str):
    """A text and the language it is in."""

    language = SOURCE_LANGUAGE

    def __new__(cls, text, language):
        value = super().__new__(cls, text)
        value.language = language
        return value


def base_language(language):
    return (language or SOURCE_LANGUAGE).lower()


def localized(obj, field, language=None):
    """`obj`'s `field` in `language` (the active one by default), else in Spanish, as a Localized text."""
    language = base_language(language or get_language())
    source = getattr(obj, field) or ""
    if language.startswith(SOURCE_LANGUAGE):
        return Localized(source, SOURCE_LANGUAGE)
    translations = (getattr(obj, "translations", None) or {}).get(field) or {}
    text = translations.get(language) or translations.get(language.split("-")[0])
    if text:
        return Localized(text, language)
    return Localized(source, SOURCE_LANGUAGE)


def form_field_name(field, language):
    return f"{field}__{language.replace('-', '_')}"


def translation_form_fields(model):
    """The names of the translation fields of `model`'s forms, for an admin's `fields` or `fieldsets`."""
    return [form_field_name(field, language) for field in model.TRANSLATED_FIELDS for language in OTHER_LANGUAGES]


class TranslationsFormMixin:
    """Fills the translation fields from the model's `translations` and keeps them there on save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.translations or {}
        for field in self._meta.model.TRANSLATED_FIELDS:
            for language in OTHER_LANGUAGES:
                name = form_field_name(field, language)
                if name in self.fields:
                    self.initial.setdefault(name, (stored.get(field) or {}).get(language, ""))

    def save(self, commit=True):
        translations = dict(self.instance.translations or {})
        for field in self._meta.model.TRANSLATED_FIELDS:
            names = {language: form_field_name(field, language) for language in OTHER_LANGUAGES}
            if not any(name in self.cleaned_data for name in names.values()):
                continue  # a form without this field's translations leaves them as they are
            values = {language: (self.cleaned_data.get(name) or "").strip() for language, name in names.items()}
            values = {language: text for language, text in values.items() if text}
            if values:
                translations[field] = values
            else:
                translations.pop(field, None)
        self.instance.translations = translations
        return super().save(commit=commit)


def translations_form(model, base=forms.ModelForm):
    """A model form for `model` with one field per translated field and other language (`title__pt_br`,
    `title__en`): the admin's forms of models with TRANSLATED_FIELDS."""
    names = dict(settings.LANGUAGES)
    declared = {}
    for field in model.TRANSLATED_FIELDS:
        source = model._meta.get_field(field)
        for language in OTHER_LANGUAGES:
            declared[form_field_name(field, language)] = forms.CharField(
                label=format_lazy("{} ({})", capfirst(source.verbose_name), names[language]),
                required=False,
                max_length=source.max_length,
                widget=forms.Textarea(attrs={"rows": 3}) if source.get_internal_type() == "TextField" else None,
                help_text=_("Empty: readers of this language see the Spanish text."),
            )
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    return type(f"{model.__name__}TranslationsForm", (TranslationsFormMixin, base), {**declared, "Meta": meta})
