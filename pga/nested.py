"""Small lists of related rows read inside the query of the object they belong to.

A page that shows one object with many short lists — the signal page with its attachments,
timeline, contributions, agenda rounds and decisions — would spend one query per list.
`Rows` describes such a list as a queryset correlated to the parent row (`OuterRef`), in the
order to show, and the fields to show; `read` fetches all lists of one object as JSON arrays
in one query (PostgreSQL `ARRAY(SELECT json_build_object(...) ...)`) and turns them back
into model instances, with the named related objects (`"actor__full_name"`) attached, so
templates and model methods use them as usual without further queries.

For pages only: fields not listed are deferred (reading one costs a query). Which lists a
user may see is decided by the caller (`pga.authz`), before asking for them.

Both that query and the one that reads the page's object (`first`) run on every request:
each is compiled once per process, with stand-in keys for the object and the user, and run
as a statement prepared on the server, so that neither Django's compiling nor PostgreSQL's
planning is paid again. Only SQL is kept between requests, never rows.
"""

import dataclasses
import json
import types
from collections import defaultdict

import psycopg
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.functions import JSONObject
from django.db.models.query import get_related_populators


@dataclasses.dataclass(frozen=True)
class Rows:
    """The rows of `queryset` (correlated to the parent, ordered) with `fields`, which may
    follow foreign keys (`"partner__name"`); primary keys are always read."""

    queryset: QuerySet
    fields: tuple[str, ...]
    # Lists of each row in turn (`Rows` correlated to the row), by the name of the relation
    # they fill, also through a foreign key: `"judgements"`, `"framework__criteria"`; the
    # relation's `.all()` then answers from them.
    children: dict = dataclasses.field(default_factory=dict)

    def expression(self) -> ArraySubquery:
        paths = {"pk"} | set(self.fields)
        for field in self.fields:
            parts = field.split("__")[:-1]
            paths.update("__".join(parts[: n + 1] + ["pk"]) for n in range(len(parts)))
        values = {p: F(p) for p in paths}
        values.update({_CHILD + name: child.expression() for name, child in self.children.items()})
        return ArraySubquery(self.queryset.values(row=JSONObject(**values)))

    def rebuild(self, rows) -> list:
        instances = []
        for row in rows or ():
            data = row if isinstance(row, dict) else json.loads(row)
            instance = _instance(self.queryset.model, data)
            _fill_children(instance, self.children, {
                key[len(_CHILD):]: value for key, value in data.items() if key.startswith(_CHILD)
            })
            instances.append(instance)
        return instances


# Stand-ins for the object and the user while a query of lists is compiled: never real keys.
_OBJECT, _USER = -730_100_001, -730_100_002
_COMPILED: dict = {}


def read(instance, user, lists) -> dict[str, list]:
    """The lists `lists(user)` (`Rows` by name) of `instance`, in one query, as model
    instances. Compiling such a query costs Django far more than running it, so it is
    compiled once per `lists` — which must be a module-level function that depends on the
    user only through their primary key — with stand-ins for the object and the user, and
    run with theirs. Only the SQL is kept, never rows."""
    def compile_lists():
        rows = lists(_stand_in(user))
        query = type(instance)._default_manager.filter(pk=_OBJECT).values(
            **{f"rows_{name}": spec.expression() for name, spec in rows.items()}
        ).query
        return (*query.sql_with_params(), rows)

    sql, params, rows = _compiled(lists, compile_lists)
    with _prepared_cursor(connections[type(instance)._default_manager.db]) as cursor:
        cursor.execute(sql, _with(params, instance.pk, user))
        found = cursor.fetchone() or [None] * len(rows)
    return {name: spec.rebuild(data) for (name, spec), data in zip(rows.items(), found,
                                                                     strict=True)}


def first(build, user, pk):
    """The object of `build(user, pk)` or None: a queryset of at most one row, from a
    module-level function, that depends on the user and the key only through their primary
    keys. Compiled once per `build` with stand-ins, run as a prepared statement with theirs,
    the model instance (with its `select_related` objects and annotations) made as Django's
    own iterator makes it. For the object of a detail page, read on every request."""
    def compile_object():
        queryset = build(_stand_in(user), _OBJECT)
        compiler = queryset.query.get_compiler(using=queryset.db)
        return (*compiler.as_sql(), compiler)  # as_sql also readies the compiler's columns

    sql, params, compiler = _compiled(build, compile_object)
    with _prepared_cursor(connections[compiler.using]) as cursor:
        cursor.execute(sql, _with(params, pk, user))
        found = cursor.fetchall()
    return next(_instances(compiler, found), None)


def _compiled(key, compile_once):
    """What `compile_once()` gave for `key`, the first time it was asked in this process."""
    found = _COMPILED.get(key)
    if found is None:
        found = _COMPILED[key] = compile_once()
    return found


def _stand_in(user):
    """An unsaved user with the stand-in key, to compile a query for any user."""
    return user._meta.model(pk=_USER, is_active=True)


def _with(params, pk, user) -> list:
    """The compiled parameters with the object's and the user's keys for the stand-ins."""
    values = {_OBJECT: pk, _USER: user.pk}
    return [values.get(p, p) if isinstance(p, int) else p for p in params]


def _instances(compiler, rows):
    """Model instances of a compiled query's `rows`, as `ModelIterable` makes them."""
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    names = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, compiler.using)
    for row in compiler.results_iter([rows]):
        instance = klass_info["model"].from_db(compiler.using, names, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in compiler.annotation_col_map.items():
            setattr(instance, name, row[position])
        yield instance


class _Prepared:
    """A psycopg cursor with server-side binding whose statements are prepared on the server
    (per connection; after five runs PostgreSQL keeps a generic plan): planning a query of
    many sub-selects costs more than running it. Django turns psycopg's preparing off for its
    own (client-side binding) cursors, which never prepare anyway; it is switched on here for
    the connection, so this cursor's `prepare=True` takes effect. (Behind a pooler in
    transaction mode, prepared statements would need its support.) Wrapped by Django like any
    cursor, so the query is logged and counted."""

    def __init__(self, connection):
        if connection.connection.prepare_threshold is None:
            connection.connection.prepare_threshold = PREPARE_THRESHOLD
        self._connection = connection
        self._cursor = psycopg.Cursor(connection.connection)

    def execute(self, sql, params=None):
        self._executed = (sql, params)
        return self._cursor.execute(sql, params, prepare=True)

    @property
    def _query(self):
        """What Django's query log shows (`last_executed_query`): the statement with its
        values, as a client-side cursor would have sent it."""
        sql, params = self._executed
        return types.SimpleNamespace(query=self._connection.ops.compose_sql(sql, params).encode())

    def __getattr__(self, name):
        return getattr(self._cursor, name)


def _prepared_cursor(connection):
    connection.ensure_connection()
    cursor = _Prepared(connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


_CHILD = "*"
PREPARE_THRESHOLD = 5  # psycopg's default


def _instance(model, row: dict):
    own, related = {}, defaultdict(dict)
    for key, value in row.items():
        name, _sep, rest = key.partition("__")
        if key.startswith(_CHILD):  # filled by `_fill_children`
            continue
        if rest:
            related[name][rest] = value
        else:
            own[model._meta.pk.attname if name == "pk" else name] = value
    read = {}
    for name, value in own.items():
        field = model._meta.get_field(name)
        read[field.attname] = value if value is None else field.to_python(value)
    # `from_db` takes the values in the order of the model's concrete fields.
    names = [f.attname for f in model._meta.concrete_fields if f.attname in read]
    instance = model.from_db(None, names, [read[name] for name in names])
    for name, values in related.items():
        field = model._meta.get_field(name)
        target = None if values.get("pk") is None else _instance(field.related_model, values)
        if field.concrete:
            setattr(instance, name, target)  # also sets the foreign key's column
        else:
            field.set_cached_value(instance, target)  # a reverse one-to-one
    return instance


def _fill_children(instance, children: dict, rows: dict) -> None:
    """Answer `relation.all()` from the child lists read with the row, as a prefetch would."""
    for path, spec in children.items():
        *through, relation = path.split("__")
        owner = instance
        for name in through:
            owner = getattr(owner, name)
        queryset = getattr(owner, relation).get_queryset()
        queryset._result_cache = spec.rebuild(rows.get(path))
        queryset._prefetch_done = True
        if not hasattr(owner, "_prefetched_objects_cache"):
            owner._prefetched_objects_cache = {}
        owner._prefetched_objects_cache[relation] = queryset
