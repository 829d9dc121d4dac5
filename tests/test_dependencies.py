"""Dependencies point one way (docs/design.md §4.1): `rights` and `stats` (the statistics)
→ `retention` → `weegploeg` → `criteria` → `signals` → `pga`; nothing in `pga` imports a
domain app. And no module imports another module's private name (a leading underscore),
nor reaches one through the module (`services._helper`): what a module offers others is what
it names publicly. And no cycles between services and tasks: a service imports its tasks at
module level, a task imports its service inside the function, so a tasks module imports
nothing of its own app at module level. And a role is guarded in one way: a service calls
`pga.authz.check_role`, a view is decorated with `pga.authz.require_role`; no module keeps
its own copy (`if not has_role(...): raise ...`).

Read from the source with `ast`: every import, at module level or inside a function, and
every `apps.get_model("app", ...)` / `"app.Model"` call that stands for one."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import the apps before it, never one after it. `rights` and
# `stats` (the statistics) are peers at the top and do not import each other.
ORDER = ["pga", "signals", "criteria", "weegploeg", "retention", "rights", "stats", "referrals",
         "worklist"]
# The top layer: none of these imports another.
PEERS = {"rights": {"stats", "referrals", "worklist"}, "stats": {"rights", "referrals", "worklist"},
         "referrals": {"rights", "stats", "worklist"},
         "worklist": {"rights", "stats", "referrals"}}


def modules():
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def imports(path: Path):
    """(line, imported module, imported names) for every import in `path`, relative
    imports resolved, and every `apps.get_model("app", "Model")` as an import of `app`."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            yield node.lineno, base, [alias.name for alias in node.names]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "get_model" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value.split(".")[0], []


def app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in ORDER else None


def dependencies() -> dict[str, set[str]]:
    """`app → apps it imports`, as the README and the report list them."""
    found = {app: set() for app in ORDER}
    for app, path in modules():
        for _line, module, _names in imports(path):
            other = app_of(module)
            if other and other != app:
                found[app].add(other)
    return found


def test_dependencies_point_one_way():
    wrong = []
    for app, path in modules():
        for line, module, _names in imports(path):
            other = app_of(module)
            if (other and other != app
                    and (ORDER.index(other) > ORDER.index(app) or other in PEERS.get(app, ()))):
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module} ({other})")
    assert not wrong, "\n".join(wrong)


def test_no_module_imports_a_private_name_of_another():
    wrong = []
    for _app, path in modules():
        for line, module, names in imports(path):
            private = [name for name in names if name.startswith("_") and name != "__version__"]
            if app_of(module) and private:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {private} from {module}")
    assert not wrong, "\n".join(wrong)


def imported_modules(path: Path) -> dict[str, str]:
    """The project modules `path` binds to a name (`from weegploeg import records`,
    `import signals.services as services`): local name → module."""
    bound = {}
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and app_of(node.module):
            for alias in node.names:
                module = f"{node.module}.{alias.name}"
                if (ROOT / Path(*module.split("."))).with_suffix(".py").exists():
                    bound[alias.asname or alias.name] = module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if app_of(alias.name):
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name
    return bound


def test_no_module_reaches_a_private_name_through_another_module():
    wrong = []
    for _app, path in modules():
        bound = imported_modules(path)
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in bound and node.attr.startswith("_")
                    and not node.attr.startswith("__")):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.attr} of "
                             f"{bound[node.value.id]}")
    assert not wrong, "\n".join(wrong)


# Known copies of a role guard (issue 17 replaced the last ones with `check_role`,
# `require_role` and `deny_unless_role`); keep it empty.
ROLE_GUARD_COPIES: set[str] = set()


def test_role_guards_are_not_copied():
    wrong = []
    for _app, path in modules():
        name = str(path.relative_to(ROOT))
        if name == "pga/authz.py" or name in ROLE_GUARD_COPIES:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            test = node.test if isinstance(node, ast.If) else None
            if (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
                    and isinstance(test.operand, ast.Call)
                    and isinstance(test.operand.func, ast.Name)
                    and test.operand.func.id == "has_role"
                    and len(node.body) == 1 and isinstance(node.body[0], ast.Raise)):
                wrong.append(f"{name}:{node.lineno} guards a role itself; use check_role "
                             "(service) or require_role (view)")
    assert not wrong, "\n".join(wrong)


def test_services_import_tasks_at_module_level_and_tasks_import_services_inside():
    wrong = []
    for app, path in modules():
        name = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text())
        top_level = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom | ast.Import):
                continue
            targets = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                       else [alias.name for alias in node.names])
            for module in targets:
                if path.name == "tasks.py":
                    if id(node) in top_level and app_of(module) == app:
                        wrong.append(f"{name}:{node.lineno} imports {module} at module level")
                elif module.endswith(".tasks") and id(node) not in top_level:
                    wrong.append(f"{name}:{node.lineno} imports {module} inside a function")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("app", ORDER)
def test_every_app_is_read(app):
    assert any(path for found, path in modules() if found == app)


if __name__ == "__main__":  # python tests/test_dependencies.py: the list for the README
    for app, others in dependencies().items():
        print(f"{app} → {', '.join(sorted(others, key=ORDER.index)) or '—'}")
