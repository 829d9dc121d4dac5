"""Public APIs only (issue 17): the project's own code touches no private attribute of
Django, psycopg or another library — no `._result_cache`, no `compiler.klass_info`, no
override of a library's `_get_…` method.

The rule, checked on every Python file of the project (apps, migrations, tests):

- an attribute with one leading underscore (`obj._name`, read, written or deleted) and a
  method or attribute with one leading underscore defined in a class body must be a name
  the project defines itself (a `def`, a `class`, an assignment) and that no library it
  imports defines;
- except `ALLOWED`: leading-underscore names that Django documents as public API;
- and none of `INTERNALS`: names of Django's query machinery and psycopg's statement
  preparation that carry no underscore but are not documented for use outside them.
"""

import ast
import functools
import importlib.util
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".venv", "var", "node_modules", ".git", "__pycache__"}

# Documented by Django as public despite the underscore.
ALLOWED = {
    "_meta",  # Model._meta: the Options API ("Model _meta API")
    "_default_manager",  # Model._default_manager ("Managers", default managers)
    "_base_manager",  # Model._base_manager ("Managers", base managers)
    "_db",  # Manager._db, used as `save(using=self._db)` in "Customizing authentication"
}


# Undocumented internals without an underscore, as `pga/nested.py` used them.
INTERNALS = {
    "klass_info", "get_related_populators", "results_iter", "annotation_col_map",
    "get_compiler", "sql_with_params", "prepare_threshold", "Collector",
}


def project_files() -> list[pathlib.Path]:
    return sorted(
        path for path in ROOT.rglob("*.py")
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
    )


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_names(tree: ast.AST) -> set[str]:
    """Private names a file defines: functions, classes, assignment targets."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return {name for name in names if _private(name)}


def _used_names(tree: ast.AST, path) -> list[tuple[str, str]]:
    """(name, where) of each private attribute touched and each private name defined in the
    body of a class with bases (a possible override)."""
    used = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in INTERNALS \
                or isinstance(node, ast.Name) and node.id in INTERNALS:
            used.append((getattr(node, "attr", None) or node.id, f"{path}:{node.lineno}"))
        elif isinstance(node, ast.ImportFrom):
            used.extend((alias.name, f"{path}:{node.lineno}") for alias in node.names
                        if alias.name in INTERNALS)
        if isinstance(node, ast.Attribute) and _private(node.attr):
            used.append((node.attr, f"{path}:{node.lineno}"))
        elif isinstance(node, ast.ClassDef) and node.bases:
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _private(
                        item.name):
                    used.append((item.name, f"{path}:{item.lineno}"))
    return used


def _imported_libraries(trees) -> set[str]:
    """Top-level packages the project imports that are installed libraries (not the
    standard library, not the project)."""
    tops = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                tops.add(node.module.split(".")[0])
    libraries = set()
    for top in tops - set(sys.stdlib_module_names):
        spec = importlib.util.find_spec(top)
        origin = getattr(spec, "origin", None) or ""
        locations = list(getattr(spec, "submodule_search_locations", None) or [])
        if "site-packages" in origin or any("site-packages" in loc for loc in locations):
            libraries.add(top)
    return libraries


DEFINED_IN_LIBRARY = re.compile(
    r"(?:\bdef|\bclass)\s+(_\w+)|\b(?:self|cls)\.(_\w+)\s*=|^\s*(_\w+)\s*[:=]", re.MULTILINE)


@functools.cache
def _library_names(library: str) -> frozenset[str]:
    spec = importlib.util.find_spec(library)
    places = list(spec.submodule_search_locations or []) or [spec.origin]
    names = set()
    for place in map(pathlib.Path, places):
        for path in [place] if place.is_file() else place.rglob("*.py"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in DEFINED_IN_LIBRARY.finditer(text):
                names.add(next(group for group in match.groups() if group))
    return frozenset(name for name in names if _private(name))


def violations() -> list[str]:
    files = project_files()
    trees = {path.relative_to(ROOT): ast.parse(path.read_text(encoding="utf-8"))
             for path in files}
    own = set().union(*(_defined_names(tree) for tree in trees.values()))
    libraries = _imported_libraries(trees.values())
    of_libraries = set().union(*(_library_names(library) for library in libraries))
    found = []
    for path, tree in trees.items():
        for name, where in _used_names(tree, path):
            if name in INTERNALS:
                found.append(f"{where}: {name} is an internal of Django or psycopg")
                continue
            if name in ALLOWED:
                continue
            if name not in own:
                found.append(f"{where}: .{name} is not defined in this project")
            elif name in of_libraries:
                found.append(f"{where}: {name} is also a private name of a library")
    return found


def test_no_private_attribute_of_django_or_a_library_is_used():
    assert violations() == []


def test_the_check_sees_what_it_forbids():
    """The rule catches what `pga/nested.py` did (issue 17)."""
    tree = ast.parse(
        "queryset._result_cache = rows\n"
        "owner._prefetched_objects_cache = {}\n"
        "class Middleware(AuditlogMiddleware):\n"
        "    def _get_remote_addr(self, request): ...\n"
        "from django.db.models.query import get_related_populators\n"
        "compiler.klass_info\n"
    )
    names = {name for name, _where in _used_names(tree, "x.py")}
    assert names == {"_result_cache", "_prefetched_objects_cache", "_get_remote_addr",
                     "get_related_populators", "klass_info"}
    django_names = _library_names("django") | _library_names("auditlog")
    assert {"_result_cache", "_prefetched_objects_cache", "_get_remote_addr"} <= django_names
