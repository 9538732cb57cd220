"""What the admin's busiest lists count and offer on every page, kept until a table it read changes.

Every page of the officials, local governments and attendance lists counted its rows (for the paginator),
read the countries its country filter offers and the ids of its page: three queries that PostgreSQL planned and
ran each time, about 2.5 ms of the database's time and 1.5 ms of Python a page on the 2,000-government region, on
the two cores the web processes share with it (bench/page_load.py, issue 14). A list that declares `keep_counts`
keeps its count and the ids of each of its pages, and every country filter its countries, under a generation
(alp_portal/generations.py) that follows the models of those lists and of every path their filters and searches
take, found once the admin is loaded (`follow_listed_models`, from the admin's AppConfig.ready, in every
process).

Their pages' rows, once rendered (alp_portal/templatetags/admin_rows.py), are kept in each process under a
generation that follows the tables those rows and their joins read, with what else their HTML depends on: the
rows' query, the columns, the list's filters (in every row's link), the language, the time zone. A page served
again reads no row: the rows and their cells were half of what remained of the attendance list's time (bench/
page_ab.py). A page whose cells read the database (a column reading more than its row) is never kept.

A value is kept under the query's own SQL and parameters: each reader's scope, each filter and each search has
its own, and no reader is ever given another's. A query that reads a table not followed (a scope or a filter
through a model no list declares) is run as before.
"""

import re
from collections.abc import Sequence

from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models.constants import LOOKUP_SEP
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from .generations import Generation
from .memo import keep

READS = Generation("admin-reads")
# The rendered rows of the pages of the same lists: the tables of their rows and of the rows those join.
ROWS = Generation("admin-rows")

# (the rows' generation, what a page's rendered rows depend on) -> their HTML, in each process (alp_portal/memo.py):
# the HTML depends on the code that rendered it, which a new release changes (processes restart then; the shared
# cache would keep it).
_PAGES = {}
_PAGES_LIMIT = 128  # pages; the rows of a page of 50 attendances are 33 KB of HTML

# Every table a compiled query reads, its subqueries' too: Django quotes each name after FROM or JOIN.
_TABLE = re.compile(r'(?:FROM|JOIN)\s+"([^"]+)"')


def kept_read(queryset, read, ordered=False):
    """`read()` (a count or the rows of `queryset`), kept while no table `queryset` reads changes. `ordered`: the
    value depends on the query's order (a page of ids), which is then part of its key."""
    query = queryset.query.clone()
    if not ordered:
        query.clear_ordering(force=True)
    query.select_related = False
    sql, params = query.get_compiler(queryset.db).as_sql()
    if not {model._meta.db_table for model in READS.models}.issuperset(_TABLE.findall(sql)):
        return read()
    return READS.kept(f"{queryset.db}:{sql}:{params!r}", read)


def rows_only(only, kept_related):
    """The names of `list_only` that the rows themselves read: those under a path of `kept_related` are the
    related rows' fields, read by `give_kept_related`."""
    steps = tuple(path.partition(LOOKUP_SEP)[0] + LOOKUP_SEP for path in kept_related)
    return [name for name in only if not name.startswith(steps)]


def give_kept_related(rows, path, only=None):
    """Give `rows` their related rows along `path` (a `select_related` path such as `session__event`), read by id
    and kept while no table they come from changes: the rows of a page share a few of them (50 attendances, five
    sessions), which a join built again for every row. `only`: the list's `list_only`, whose names under the path's
    first step are the related rows' fields."""
    if not rows:
        return
    name, _, rest = path.partition(LOOKUP_SEP)
    field = rows[0]._meta.get_field(name)
    ids = sorted({getattr(row, field.attname) for row in rows} - {None})
    if not ids:
        return
    related = field.related_model._base_manager.filter(pk__in=ids)
    if rest:
        related = related.select_related(rest)
    prefix = name + LOOKUP_SEP
    fields = [entry[len(prefix) :] for entry in only or () if entry.startswith(prefix)]
    if fields:
        steps = rest.split(LOOKUP_SEP) if rest else []
        joined = [LOOKUP_SEP.join(steps[: i + 1]) for i in range(len(steps))]  # not deferred, as they are joined
        related = related.only(*fields, *joined)
    by_id = kept_read(related, lambda: {obj.pk: obj for obj in related})
    for row in rows:
        value = by_id.get(getattr(row, field.attname))
        if value is not None:  # one not kept (deleted since) is read as Django reads it, if asked for
            field.set_cached_value(row, value)


def page_key(rows, cl):
    """What the rendered rows of a page depend on, with the generation of their tables: `rows` (the page's
    queryset, its related rows then given by id along the list's `list_kept_related`) as `cl` shows them, in this
    language, time zone and place of the site. None when `rows` reads a table the generation does not follow."""
    try:
        sql, params = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:  # no rows: nothing to read or keep
        return None
    if not {model._meta.db_table for model in ROWS.models}.issuperset(_TABLE.findall(sql)):
        return None
    links = cl.list_display_links
    return (
        ROWS.current(),
        rows.db,
        sql,
        repr(params),
        cl.model_admin,  # the columns' code and the related rows given by id
        tuple(cl.list_display),
        links if links is None else tuple(links),
        cl.preserved_filters,  # in every row's link
        get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
    )


def kept_page(key):
    """The rendered rows kept under `key` (`page_key`), or None."""
    return _PAGES.get(key)


def keep_page(key, html):
    keep(_PAGES, key, html, limit=_PAGES_LIMIT)


class RowsOnDemand(Sequence):
    """A page's rows when its rendered rows are kept: their number is known, the rows are read only if asked for."""

    def __init__(self, length, read):
        self.length, self.read = length, read

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        return self.rows[index]

    @cached_property
    def rows(self):
        return self.read()


class KeptCountPaginator(Paginator):
    @cached_property
    def count(self):
        return kept_read(self.object_list, lambda: Paginator.count.func(self))


def follow_listed_models(site):
    """Follow the model of every list of `site` that keeps its counts and the models on the paths of its filters
    and searches, and the model that holds the column of every country filter."""
    from .admin import CountryListFilter

    models, rendered = set(), set()
    for model, model_admin in site._registry.items():
        for entry in model_admin.list_filter:
            if isinstance(entry, type) and issubclass(entry, CountryListFilter):
                models.add(get_fields_from_path(model, entry.field_path)[-1].model)  # what its choices read
        if not getattr(model_admin, "keep_counts", False):
            continue
        models.add(model)
        paths = [entry[0] if isinstance(entry, (list, tuple)) else entry for entry in model_admin.list_filter]
        paths += [getattr(entry, "field_path", None) for entry in model_admin.list_filter]
        paths += [name.lstrip("^=@") for name in model_admin.search_fields]
        paths += list(getattr(model_admin, "list_kept_related", ()))
        for path in paths:
            if isinstance(path, str):
                models |= models_on_path(model, path)
        shown = model_admin.list_select_related
        for path in shown if isinstance(shown, (list, tuple)) else ():
            rendered |= models_on_path(model, path)
    READS.follow(*models)
    ROWS.follow(*models, *rendered)


def models_on_path(model, path):
    """The models a lookup path such as `official__local_government__country` goes through, `model` included."""
    try:
        fields = get_fields_from_path(model, path)
    except (FieldDoesNotExist, NotRelationField):
        return {model}
    return {model, *(field.related_model for field in fields if field.is_relation and field.related_model)}
