"""The folders are layers and data flows one way: a lower layer never imports a higher one, not even
inside a function (docs/architecture.md, "Layers")."""

from __future__ import annotations

import ast

from conftest import ROOT
from inputs.discovery import ARTICLE_SUFFIXES, discover_inputs
from transforms.formats import FORMATS

# What each of our top-level packages may import from the others.
ALLOWED = {
    "transforms": {"transforms"},
    "schemas": {"schemas", "transforms"},
    "storage": {"storage", "schemas"},
    "inputs": {"inputs", "storage", "schemas", "transforms"},
    "warehouse": {"warehouse", "schemas"},
    "flows": {"flows", "inputs", "storage", "schemas", "transforms", "warehouse"},
    "cli": set(),  # the top: anything
}


def imported_packages(path) -> set[str]:
    """Our top-level packages a module imports, at module level or inside any function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in ALLOWED)
    return found


def test_no_layer_imports_a_higher_one():
    wrong = []
    for package, allowed in ALLOWED.items():
        if package == "cli":
            continue
        for module in sorted((ROOT / package).rglob("*.py")):
            for imported in imported_packages(module) - allowed:
                wrong.append(f"{module.relative_to(ROOT)} imports {imported}")
    assert wrong == []


def test_flows_holds_only_the_prefect_flows():
    assert sorted(p.name for p in (ROOT / "flows").glob("*.py")) == ["__init__.py", "ingest.py", "rebuild.py"]


def test_every_suffix_the_parser_reads_is_discovered(tmp_path):
    """The suffixes are listed once: `.markdown` parses, so it is found too."""
    assert set(ARTICLE_SUFFIXES) == set(FORMATS)
    for suffix in FORMATS:
        (tmp_path / f"article{suffix}").write_text("Seoul said 1,000 troops were deployed.\n")
    found = {item.source_file for item in discover_inputs(tmp_path)}
    assert found == {f"article{suffix}" for suffix in FORMATS}
