"""How app/ hangs together: the domain packages that import each other, the import cycles between
modules (any import, at the top or inside a function), and the largest modules.

    python3 scripts/import_map.py [REPO]      (default: this checkout)
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path


def modules(app: Path) -> dict[str, Path]:
    found = {}
    for path in app.rglob("*.py"):
        name = ".".join(path.relative_to(app.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the app modules it imports; `from pkg import module` names the module, not pkg."""
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{alias.name}" for alias in node.names]
                targets = [t for t in subs if t in mods] or [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            edges[name].update(t for t in targets if t in mods and t != name)
    return edges


def domain_pairs(app: Path, edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs of domain packages (folders of app/) that import each other."""

    def package(module: str) -> str | None:
        parts = module.split(".")
        return parts[1] if len(parts) > 2 and (app / parts[1]).is_dir() else None

    uses: dict[str, set[str]] = defaultdict(set)
    for source, targets in edges.items():
        for target in targets:
            a, b = package(source), package(target)
            if a and b and a != b:
                uses[a].add(b)
    return sorted({tuple(sorted((a, b))) for a in uses for b in uses[a] if a in uses.get(b, set())})  # type: ignore[misc]


def cycles(mods: dict[str, Path], edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in mods:
        if module not in index:
            visit(module)
    return groups


def main() -> None:
    repo = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    app = repo / "app"
    mods = modules(app)
    edges = imports(mods)
    pairs = domain_pairs(app, edges)
    print(f"domain packages importing each other (pairs): {len(pairs)}")
    print("  " + ", ".join(f"{a}<->{b}" for a, b in pairs))
    groups = cycles(mods, edges)
    print(f"module import cycles (strongly connected groups): {len(groups)}")
    for group in groups:
        print(f"  {len(group)} modules: {', '.join(group)}")
    sizes = sorted(
        ((len(p.read_text(encoding="utf-8").splitlines()), n) for n, p in mods.items()), reverse=True
    )
    over_300 = sum(1 for lines, _name in sizes if lines > 300)
    over_400 = sum(1 for lines, _name in sizes if lines > 400)
    print(f"modules over 300 lines: {over_300}; over 400: {over_400}")
    for lines, name in sizes[:14]:
        print(f"  {lines:4d} {name}")


if __name__ == "__main__":
    main()
