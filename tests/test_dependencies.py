"""Dependencies point one way (docs/design.md §4.1): `rights` and `stats` (the statistics)
→ `retention` → `weegploeg` → `criteria` → `signals` → `pga`; nothing in `pga` imports a
domain app. And no module imports another module's private name (a leading underscore):
what a module offers others is what it names publicly. And no cycles between services and
tasks: a service imports its tasks at module level, a task imports its service inside the
function, so a tasks module imports nothing of its own app at module level.

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


# Known, left alone on purpose: the purge is rewritten in parallel (issue 17), and its task
# import stays where it is until then.
TASK_IMPORTS_INSIDE = {("retention/services.py", "retention.tasks")}


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
                elif (module.endswith(".tasks") and id(node) not in top_level
                      and (name, module) not in TASK_IMPORTS_INSIDE):
                    wrong.append(f"{name}:{node.lineno} imports {module} inside a function")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("app", ORDER)
def test_every_app_is_read(app):
    assert any(path for found, path in modules() if found == app)


if __name__ == "__main__":  # python tests/test_dependencies.py: the list for the README
    for app, others in dependencies().items():
        print(f"{app} → {', '.join(sorted(others, key=ORDER.index)) or '—'}")
