"""The package's shape: no import cycles, services that never touch the request, and one place for each
shared mechanism (CLI groups, gettext, the CSRF-failure answer)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from kiosk.core.paths import REPO_ROOT

PACKAGE = REPO_ROOT / "kiosk"
# Modules that work on the request by design: the blueprints' route modules, and the glue named here.
REQUEST_FACING = {
    "kiosk.errors",  # the app's error handlers answer the request that failed
    "kiosk.core.partials",  # decides whether the request wants a page or an htmx fragment
    "kiosk.core.headers",  # security headers depend on the route that answered and on HTTPS
    "kiosk.core.inputs",  # refuses unusable input before any route sees it
    "kiosk.core.proxy",  # cookies are Secure when the request came over HTTPS
    "kiosk.i18n.selection",  # Flask-Babel's locale selector reads the URL and the visit
    "kiosk.kiosks.guard",  # which kiosk a request comes from: its key cookie and its address
    "kiosk.staff.guard",  # who is signed in is a property of the request's session
    "kiosk.visitor.language_urls",  # the /<lang> prefix of visitor blueprints
}


def module_name(path: Path) -> str:
    """Return the dotted name of a module file under the package."""
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, ast.Module]:
    """Parse every module of the package, migrations aside (Alembic runs them, nothing imports them)."""
    return {
        module_name(path): ast.parse(path.read_text(), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts
    }


def imported(tree: ast.Module, known: set[str]) -> Iterator[str]:
    """Yield the package modules a module imports, at any depth (lazy imports in functions count)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in known:
                    yield submodule
                elif node.module in known:
                    yield node.module


def flask_names(tree: ast.Module) -> set[str]:
    """Return the names a module imports from flask or htmx_flask."""
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "htmx_flask")
        for alias in node.names
    }


def defines_routes(tree: ast.Module) -> bool:
    """Tell whether a module holds routes: it decorates functions with a blueprint's route methods."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Attribute) and isinstance(call.value, ast.Name) and call.value.id == "bp":
                    return True
    return False


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a list of modules, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_package_has_no_import_cycles() -> None:
    trees = modules()
    graph = {name: set(imported(tree, set(trees))) - {name} for name, tree in trees.items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph) or [])


def test_the_cycle_check_finds_a_planted_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_services_never_touch_the_request_or_the_session() -> None:
    offenders = [
        name
        for name, tree in modules().items()
        if {"request", "session"} & flask_names(tree) and not defines_routes(tree) and name not in REQUEST_FACING
    ]
    assert offenders == []


def test_cli_groups_are_registered_in_one_place() -> None:
    registering = [
        name
        for name, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "add_command"
    ]
    assert set(registering) == {"kiosk.cli"}


def test_one_gettext_and_one_csrf_handler() -> None:
    babel_users = {name for name, tree in modules().items() if any(n.startswith("flask_babel") for n in imports(tree))}
    assert babel_users == {"kiosk.i18n.messages"}
    csrf_handlers = {
        name
        for name, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Name)
        and node.id == "CSRFError"
        and not isinstance(node.ctx, ast.Store)
        and name != "kiosk.errors"
    }
    assert csrf_handlers == set()


def imports(tree: ast.Module) -> set[str]:
    """Return the top-level names of everything a module imports from."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found
