"""The code keeps to its rooms: couples is the base that homework and sessions build on."""

from __future__ import annotations

import ast
from pathlib import Path

PRACTICE = Path(__file__).resolve().parents[2] / "practice"


def _runtime_imports(path: Path) -> set[str]:
    """Modules a file imports when it runs (imports under `if TYPE_CHECKING:` are for types)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for child in block.body
        for node in ast.walk(child)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_couples_imports_neither_homework_nor_sessions():
    """Not even inside a function: each registers its part of a couple instead."""
    for path in sorted((PRACTICE / "couples").glob("*.py")):
        wrong = {
            name
            for name in _runtime_imports(path)
            if name.startswith(("practice.homework", "practice.sessions"))
        }
        assert not wrong, f"{path.name} imports {sorted(wrong)}"
