"""The admin's filters on related rows, with their choices kept until those rows change.

Django's RelatedFieldListFilter reads every row of the related model, as model instances, on every page of a
list: the attendance list read every initiative and every event on each page, two queries and 1.5 ms of its
time (bench/page_load.py, issue 14). Here the choices are kept under a generation (alp_portal/generations.py)
that every save or deletion of a filtered model replaces. The models followed are those of the filters the
registered admins declare, found once the admin is loaded (`follow_filtered_models`, from the admin's
AppConfig.ready, in every process); a filter on any other model, or one whose choices are limited by a callable,
reads its choices as Django does.

The choices are the same for every reader, as Django's are (the filters are on initiatives, events, objectives,
groups and content types, which every staff member may see); the language is part of the key.
"""

from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import get_language

from .generations import Generation

CHOICES = Generation("admin-filter-choices")


class KeptRelatedFieldListFilter(admin.RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        read = super().field_choices
        limit = getattr(getattr(field, "remote_field", None), "limit_choices_to", None)
        if field.related_model not in CHOICES.models or callable(limit):
            return read(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        key = f"{field.model._meta.label}.{field.name}:{ordering}:{get_language()}"
        return CHOICES.kept(key, lambda: list(read(field, request, model_admin)))


# For every relation filter named by its path in a `list_filter`, as Django's own is (which stays registered
# behind it, for whatever this one declines).
admin.FieldListFilter.register(lambda f: f.remote_field, KeptRelatedFieldListFilter, take_priority=True)


def follow_filtered_models(site):
    """Follow the related model of every relation filter declared by `site`'s model admins."""
    for model, model_admin in site._registry.items():
        for entry in model_admin.list_filter:
            path = entry[0] if isinstance(entry, (list, tuple)) else entry
            if not isinstance(path, str):
                continue  # a filter class of its own
            try:
                field = get_fields_from_path(model, path)[-1]
            except (FieldDoesNotExist, NotRelationField):
                continue
            if field.is_relation and field.related_model is not None:
                CHOICES.follow(field.related_model)
