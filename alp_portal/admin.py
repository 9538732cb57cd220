"""The admin's scoping, shared by every app's admin: what a user sees starts from `Model.objects.for_user(user)`.

- regional staff see and change everything;
- country office staff see their countries' rows and change only what their office maps;
- anyone else never reaches the admin (Django lets only `is_staff` users in).
An object outside the user's scope answers 404, never a redirect that would tell it exists.
"""

from html import escape

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.utils import quote as admin_quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as django_gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries as all_countries
from django_countries.fields import CountryField

from .admin_reads import (
    KeptCountPaginator,
    RowsOnDemand,
    give_kept_related,
    kept_page,
    kept_read,
    page_key,
    rows_only,
)
from .models import AuditEntry
from .roles import is_country_staff, is_regional_staff, is_staff_member, staff_countries


class ReasonForm(forms.Form):
    """The reason an admin action asks for before it acts; kept in the audit trail (alp_portal/audit.py)."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept in the audit trail with who did it and when."),
    )


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


def _country_column(field):
    """A changelist column of a country field that shows the country's name as the admin does, read from the row's
    Country: the admin's own display builds the field's 250 translated choices for every row (40 % of the local
    governments list's time)."""

    @admin.display(description=field.verbose_name, ordering=field.name)
    def column(obj):
        country = getattr(obj, field.name)
        return country.name if country else None  # None: the admin's mark of an empty cell

    column.__name__ = field.name  # the column's CSS class, as for the field itself
    return column


class PageByIdsChangeList(ChangeList):
    """A changelist that reads a deep page in two steps: the page's ids (the list's filters and ordering, with no
    join the ordering does not need, so an index serves it), then those rows with their related rows. In one
    step the database joined every row before the page to reach it: 199 ms for the last page of 44,829
    attendance rows against 61 ms for the first (bench/staff_pages.py)."""

    page_key = None  # what its rendered rows depend on, for a list that keeps them
    kept_rows = None  # its rendered rows, when kept

    def get_results(self, request):
        super().get_results(request)
        # On every page, not only deep ones: a list costs the same queries with one page of rows or many.
        if not self.list_editable:
            # At most a page (or "show all"'s most) whatever the count said: the count may be kept (admin_reads.py).
            limit = self.list_max_show_all if self.show_all else self.list_per_page
            page = self.result_list.values_list("pk", flat=True)[:limit]
            # Kept as the list's count is, for the lists that keep it (admin_reads.py).
            keep = self.model_admin.keep_counts
            ids = kept_read(page, lambda: list(page), ordered=True) if keep else list(page)
            # The list's own queryset (its related rows, annotations), ordered below as the ids are.
            rows = self.queryset.filter(pk__in=ids).order_by()
            only = self.model_admin.list_only
            if only:
                rows = rows.only(*rows_only(only, self.model_admin.list_kept_related))
            # The page as rendered before, while none of its tables changed: its rows are then not read
            # (alp_portal/templatetags/admin_rows.py keeps it).
            self.page_key = page_key(rows, self) if keep and not self.is_popup else None
            html = kept_page(self.page_key) if self.page_key else None
            if html is not None:
                self.kept_rows = html
                self.result_list = RowsOnDemand(len(html), lambda: self._read_rows(rows, ids))
            else:
                self.result_list = self._read_rows(rows, ids)

    def _read_rows(self, rows, ids):
        by_id = {row.pk: row for row in rows}
        # A row deleted behind the ORM's back since its page was kept is left out, not an error.
        result = [by_id[pk] for pk in ids if pk in by_id]
        for path in self.model_admin.list_kept_related:
            give_kept_related(result, path, self.model_admin.list_only)
        return result

    @cached_property
    def _change_url(self):
        """The change page's address around the row's key, reversed once per list (Django reverses it for every
        row): (before, after)."""
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=("PK",),
            current_app=self.model_admin.admin_site.name,
        )
        before, _, after = url.rpartition("/PK/")
        return before, after

    def url_for_result(self, result):
        before, after = self._change_url
        return f"{before}/{admin_quote(getattr(result, self.pk_attname))}/{after}"


class ScopedAdmin(ScopeMixin, admin.ModelAdmin):
    list_per_page = 50
    # The fields the changelist's rows read (their columns, the checkbox's label), as for QuerySet.only(); None:
    # every field of the row and of its `list_select_related` rows. A column reading a field left out would
    # cost a query per row: tests/test_admin_queries.py counts them with one row and with many.
    list_only = None
    show_full_result_count = False  # saves a COUNT over the whole table on every filtered page
    # The list's count, its pages' ids and rendered rows kept until a table they read changes
    # (alp_portal/admin_reads.py): for the busiest lists, whose writers all announce their bulk writes.
    keep_counts = False
    # Related rows that the rows of a page share (an attendance list's sessions and their events), read by id once
    # a page instead of joined to every row, and kept as the count is where it is. `select_related` paths, not
    # also in `list_select_related`; their fields named in `list_only` as for a join.
    list_kept_related = ()

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = KeptCountPaginator if self.keep_counts else self.paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_changelist(self, request, **kwargs):
        return PageByIdsChangeList

    def get_list_display(self, request):
        return [self._cheap_column(item) for item in super().get_list_display(request)]

    def action_checkbox(self, obj):
        # The admin's own checkbox, written directly: its widget rendered through the template engine for every
        # row was a quarter of a changelist's time, and `format_html`'s lazy-text checks a tenth of what remained.
        # The same HTML (tests/test_admin_queries.py).
        label = django_gettext("Select this object for an action - {}").format(escape(str(obj)))
        return SafeString(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{escape(str(obj.pk))}"'
            f' class="action-select" aria-label="{label}">'
        )

    def _cheap_column(self, item):
        if not isinstance(item, str):
            return item
        try:
            field = self.opts.get_field(item)
        except FieldDoesNotExist:
            return item
        if not isinstance(field, CountryField):
            return item
        columns = self.__dict__.setdefault("_country_columns", {})
        if item not in columns:
            columns[item] = _country_column(field)
        return columns[item]

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

    def reason_action(self, request, objects, *, form_class, title, intro, submit, apply):
        """An action that asks why (and perhaps more) before it acts on `objects`: the first post shows
        `form_class` (with a `reason` field) on admin/reason_action.html; a valid answer calls
        `apply(obj, cleaned_data)` for each object, which returns a message of success or raises
        ValidationError with what refused it. Returns the page, or None once done (back to the list)."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for obj in objects:
                try:
                    apply(obj, form.cleaned_data)
                except ValidationError as error:
                    for message in error.messages:
                        messages.error(request, f"{obj}: {message}")
                else:
                    done += 1
            if done:
                messages.success(request, ngettext("%(count)d done.", "%(count)d done.", done) % {"count": done})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "submit": submit,
            "opts": self.opts,
            "form": form,
            "objects": objects,
            "action_fields": self.action_repost_fields(request, [obj.pk for obj in objects]),
        }
        return TemplateResponse(request, "admin/reason_action.html", context)


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
        # The countries are read from the model that holds the column (the local governments, say), in the
        # user's scope: not a DISTINCT over every row of the list joined up to it.
        field = get_fields_from_path(model_admin.model, self.field_path)[-1]
        query = scoped(field.model, request.user).order_by().values_list(field.name, flat=True).distinct()
        codes = kept_read(query, lambda: list(query))  # until a government changes (alp_portal/admin_reads.py)
        return sorted(((code, all_countries.name(code)) for code in codes if code), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_path: self.value()})
        return queryset


def country_filter(path):
    return type("CountryFilter", (CountryListFilter,), {"field_path": path})


class AuditEventFilter(admin.SimpleListFilter):
    """What was done: one of the audit trail's acts, or the admin's own additions, changes and deletions."""

    title = _("what")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        from .audit import EVENTS

        seen, choices = set(), []
        for key, (label, _sentence) in EVENTS.items():
            if str(label) not in seen:
                seen.add(str(label))
                choices.append((key, label))
        return [*choices, ("admin", _("Edited in the admin"))]

    def queryset(self, request, queryset):
        from .audit import EVENTS, MARK

        value = self.value()
        if value == "admin":
            return queryset.exclude(change_message__startswith=f'[{{"{MARK}":')
        if value in EVENTS:
            # Events that share a label (the imports) are listed once and filtered together.
            label = str(EVENTS[value][0])
            keys = [key for key, (other, _sentence) in EVENTS.items() if str(other) == label]
            query = Q()
            for key in keys:
                query |= Q(change_message__startswith=f'[{{"{MARK}": {{"event": "{key}",')
            return queryset.filter(query)
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The one audit trail, read only, for regional staff: every act recorded by alp_portal.audit and every
    change made in the admin. Country offices see the entries of their own objects on those objects' History
    pages (scoped like the objects themselves), not this list, which spans every country."""

    list_display = ["action_time", "user", "what", "object_link", "message"]
    list_select_related = ["user", "content_type"]
    list_filter = [AuditEventFilter, "content_type", "action_time"]
    search_fields = ["object_repr", "change_message", "user__email"]
    date_hierarchy = "action_time"
    list_per_page = 50
    show_full_result_count = False

    def has_module_permission(self, request):
        return is_regional_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_regional_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("what"))
    def what(self, entry):
        from .audit import event_label

        return event_label(entry)

    @admin.display(description=_("object"))
    def object_link(self, entry):
        if entry.content_type_id is None:
            return "—"
        label = f"{capfirst(entry.content_type.name)}: {entry.object_repr}"
        try:
            url = reverse(
                f"admin:{entry.content_type.app_label}_{entry.content_type.model}_history", args=[entry.object_id]
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("message"))
    def message(self, entry):
        from .audit import describe

        return describe(entry)
