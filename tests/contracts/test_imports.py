"""The shape of the code, enforced: no module of Closer imports itself back through others."""

from __future__ import annotations

import grimp


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), type-checking imports included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_of_closer_takes_part_in_an_import_cycle() -> None:
    """bot/ and cogs/ import each other's modules in one direction only (TYPE_CHECKING imports count)."""
    graph = grimp.build_graph(
        "bot", "cogs", include_external_packages=False, exclude_type_checking_imports=False
    )
    assert cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle_through_three_modules() -> None:
    """The check itself can fail: a → b → c → a is reported, a lone d → a is not part of it."""
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.d", "p.a")]:
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_every_feature_is_in_the_independence_contract() -> None:
    """A new feature is added to pyproject's 'features never import each other' contract too."""
    import tomllib
    from pathlib import Path

    from bot.client import EXTENSIONS

    config = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text("utf-8"))
    (independence,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "independence"]
    assert sorted(independence["modules"]) == sorted(EXTENSIONS)
