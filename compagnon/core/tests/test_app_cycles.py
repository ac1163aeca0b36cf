"""The apps stand in layers: no app imports an app that imports it back, directly or around a circle.

Every ``import``/``from … import`` in the non-test, non-migration modules of ``compagnon/<app>/``
is an arrow from that app to the imported one (imports inside functions and relative imports too:
a late import is still a dependency). The arrows must form no circle; an app reaches down by
importing, and up only through a registry the lower app owns (``sales.steps``,
``clients.selectors.register_timeline``, ``banking.hooks``, ``accounts.hooks``) filled from the
upper app's ``AppConfig.ready()``. Self-contained: no tool outside the repository is needed.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import compagnon

PACKAGE = "compagnon"
ROOT = Path(compagnon.__file__).resolve().parent


def _module(path: Path, root: Path) -> list[str]:
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path: Path, root: Path = ROOT) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = _module(path, root)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x / from ..sales import y
                base = here[: len(here) - node.level + (1 if path.name == "__init__.py" else 0)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def app_graph(root: Path = ROOT) -> dict[str, dict[str, set[str]]]:
    """app -> imported app -> the files making that arrow."""
    apps = {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    graph: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if len(rel.parts) < 2 or "tests" in rel.parts or "migrations" in rel.parts:
            continue
        source = rel.parts[0]
        for module in _imported(path, root):
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == PACKAGE and parts[1] in apps and parts[1] != source:
                graph[source][parts[1]].add(str(rel))
    return graph


def circles(graph) -> list[list[str]]:
    """Strongly connected components of more than one app (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    nodes = sorted(set(graph) | {w for targets in graph.values() for w in targets})
    counter = 0
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def _describe(graph, component) -> str:
    lines = [" <-> ".join(component)]
    for app in component:
        for target in sorted(set(graph[app]) & set(component)):
            lines.append(f"  {app} -> {target}: {', '.join(sorted(graph[app][target]))}")
    return "\n".join(lines)


def test_the_cycle_finder_sees_a_circle_and_a_clean_line():
    assert circles({"a": {"b": set()}, "b": {"c": set()}, "c": {"a": set()}, "d": {"a": set()}}) == [["a", "b", "c"]]
    assert circles({"a": {"b": set()}, "b": {"c": set()}}) == []


def test_relative_and_late_imports_count_as_arrows(tmp_path):
    for app in ("sales", "payments"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "sales" / "x.py").write_text("def f():\n    from compagnon.payments import services\n")
    (tmp_path / "payments" / "y.py").write_text("from ..sales import steps\n")
    graph = app_graph(tmp_path)
    assert set(graph["sales"]) == {"payments"} and set(graph["payments"]) == {"sales"}
    assert circles(graph) == [["payments", "sales"]]


def test_no_app_imports_an_app_above_it():
    graph = app_graph()
    found = circles(graph)
    assert not found, "Apps importing each other in a circle (cut the arrow pointing up, use a registry):\n" + "\n".join(
        _describe(graph, c) for c in found
    )


def test_issuing_does_not_import_e_invoicing_payments_or_the_portal():
    """Sales is below e-invoicing, payments and the portal: their steps come in through sales.steps;
    the portal is a channel above e-invoicing."""
    graph = app_graph()
    assert not {"einvoice", "payments", "portal", "dunning"} & set(graph["sales"]), dict(graph["sales"])
    assert "portal" not in graph["einvoice"], dict(graph["einvoice"])
