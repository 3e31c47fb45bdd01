"""Domain modules stay plain Python: no Flask, no database, so they are tested directly."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "catalog"
PURE = [
    "channels.py",
    "legend.py",
    "jsonlines.py",
    "forum/records.py",
    "mail",
    "search/engine",
    "marketplace/records.py",
    "marketplace/identifiers.py",
    "marketplace/calendars.py",
    "businesstime",
    "support/wizard/routing.py",
    "support/tickets/lifecycle.py",
    "support/tickets/clocks.py",
    "support/tickets/snapshots.py",
    "support/plans/periods.py",
    "support/handoffs/rules.py",
]
FORBIDDEN = {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy"}


def _direct(path: Path) -> set[str]:
    """Dotted names of the modules one file imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _file_of(module: str) -> Path | None:
    """The file of a ``catalog.*`` module (a package's __init__), or None for others."""
    parts = module.split(".")
    if parts[0] != "catalog" or len(parts) == 1:
        return None
    base = ROOT.joinpath(*parts[1:])
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _imports(path: Path) -> set[str]:
    """Top-level packages a module imports, following imports of our own modules."""
    seen, todo, packages = set(), [path], set()
    while todo:
        current = todo.pop()
        if current in seen or not current.exists():
            continue
        seen.add(current)
        for module in _direct(current):
            own = _file_of(module)
            if own is None:
                packages.add(module.split(".")[0])
            else:
                todo.append(own)
    return packages


def _modules(entry: str) -> list[Path]:
    """The .py files of a pure module or package."""
    path = ROOT / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


@pytest.mark.parametrize(
    "path", [p for e in PURE for p in _modules(e)], ids=lambda p: str(p.relative_to(ROOT))
)
def test_domain_module_imports_neither_flask_nor_the_database(path):
    assert not (_imports(path) & FORBIDDEN)
