"""The admin's scoping, shared by every app's admin: what a user sees starts from `Model.objects.for_user(user)`.

- regional staff see and change everything;
- country office staff see their countries' rows and change only what their office maps;
- anyone else never reaches the admin (Django lets only `is_staff` users in).
An object outside the user's scope answers 404, never a redirect that would tell it exists.
"""

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from .roles import is_country_staff, is_regional_staff, is_staff_member, staff_countries


def scoped(model, user):
    manager = model._default_manager
    return manager.for_user(user) if hasattr(manager, "for_user") else manager.all()


class ScopeMixin:
    """Permissions and querysets by role, for model admins and inlines alike."""

    # Country office staff may add and change rows of their countries (the mapping), not only view them.
    country_staff_can_edit = False

    def get_queryset(self, request):
        qs = scoped(self.model, request.user)
        ordering = self.get_ordering(request)
        if ordering:
            qs = qs.order_by(*ordering)
        return qs

    def has_module_permission(self, request):
        return is_staff_member(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff_member(request.user)

    def has_add_permission(self, request, *args):
        return self._can_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._can_edit(request)

    def has_delete_permission(self, request, obj=None):
        return self._can_edit(request)

    def _can_edit(self, request):
        user = request.user
        return is_regional_staff(user) or (self.country_staff_can_edit and is_country_staff(user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.related_model, request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # Country office staff may only place rows in their own countries.
        if db_field.name == "country" and is_country_staff(request.user):
            codes = staff_countries(request.user)
            kwargs["choices"] = [(code, name) for code, name in all_countries if code in codes]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class ScopedAdmin(ScopeMixin, admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False  # saves a COUNT over the whole table on every filtered page

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404(_("Not found."))

    def action_repost_fields(self, request, selected):
        """[(name, value)]: the hidden fields with which an action's own page (a reason to give, people to
        choose) posts the same action back for the objects `selected` (primary keys).

        Django reads an action back under the name its form was rendered with: "action" on the change list,
        "CHANGE_FORM-action" on an object's own page. A confirmation page that wrote "action" by hand turned a
        change page's confirmation into an ordinary save of the object's form ("changed successfully") and
        the action never ran; every action page renders these fields instead
        (templates/admin/includes/action_repost_fields.html)."""
        change_form = self.action_form(auto_id=None, prefix=ActionLocation.CHANGE_FORM.value)["action"].html_name
        if change_form in request.POST:
            name, action = change_form, request.POST[change_form]
        else:
            name = self.action_form(auto_id=None)["action"].html_name
            posted = request.POST.getlist(name)
            try:
                action = posted[int(request.POST.get("index", 0))]
            except (IndexError, ValueError):
                action = posted[0] if posted else ""
        return [(name, action), *((helpers.ACTION_CHECKBOX_NAME, str(pk)) for pk in selected)]


class ScopedTabularInline(ScopeMixin, admin.TabularInline):
    extra = 0


class ScopedStackedInline(ScopeMixin, admin.StackedInline):
    extra = 0


class CountryListFilter(admin.SimpleListFilter):
    """Filter by country, offering only the countries present in what the user may see."""

    title = _("country")
    parameter_name = "country"
    field_path = "country"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list(self.field_path, flat=True).distinct()
        return sorted(((code, all_countries.name(code)) for code in codes if code), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: self.value()})
        return queryset


def country_filter(path):
    return type("CountryFilter", (CountryListFilter,), {"field_path": path})
