"""The stages of certgen import only stages below them, and no module imports itself back.

The order is the pipeline's, lowest first; the table of stages, with what each does, is in the
docstring of certgen/__init__.py (a test below keeps the two in step).
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("errors", "units", "words", "resources", "version", "files", "pdftext")),
    ("model", ("model",)),
    ("spec", ("spec", "assets")),
    ("templating", ("templating",)),
    ("fonts", ("fonts", "cidfont")),
    ("layout", ("layout",)),
    ("drawing", ("drawing",)),
    ("signing", ("signing",)),
    ("issue", ("issue",)),
    ("validation", ("validation",)),
    ("pipeline", ("pipeline",)),
    ("register", ("register",)),
    ("batch", ("batch",)),
    ("cli", ("cli", "__main__")),
]
PACKAGE = ROOT / "certgen"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _stage(module: str) -> int:
    """The stage index of a module (``certgen`` itself is above every stage)."""
    if module == "certgen":
        return len(STAGES)
    top = module.split(".")[1]
    for index, (_, names) in enumerate(STAGES):
        if top in names:
            return index
    raise AssertionError(f"{module} is in no stage: add it to the table in tests/test_architecture.py")


def _imports(path: Path) -> set[str]:
    """The certgen modules *path* imports, wherever the import stands (in a function too)."""
    return _imports_in(path.read_text(encoding="utf-8"), _module_name(path), path.name == "__init__.py")


def _imports_in(source: str, module: str, is_package: bool) -> set[str]:
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target] if node.module or not node.level else [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        found.update(n for n in names if n == "certgen" or n.startswith("certgen."))
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_has_a_stage() -> None:
    for module in _graph():
        _stage(module)


def test_no_module_imports_a_higher_stage() -> None:
    wrong = []
    for module, targets in _graph().items():
        for target in sorted(targets):
            if _stage(target) > _stage(module):
                wrong.append(
                    f"{module} ({STAGES[_stage(module)][0]}) imports {target} ({STAGES[_stage(target)][0] if _stage(target) < len(STAGES) else 'api'})"
                )
    assert not wrong, "imports that point up:\n" + "\n".join(wrong)


def test_no_import_cycle() -> None:
    graph = _graph()
    modules = set(graph)

    def resolve(name: str) -> str | None:
        while name and name not in modules:  # ``from .x import y``: y may be a name, not a module
            name = name.rpartition(".")[0]
        return name or None

    edges = {m: {t for t in (resolve(x) for x in targets) if t and t != m} for m, targets in graph.items()}
    # A package importing its own submodules (re-exports) is not a cycle of stages; a submodule
    # importing its package's __init__ back while the package imports it is.
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)


def test_the_table_is_documented_in_the_package() -> None:
    doc = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    for name, _ in STAGES:
        assert f"| {name} |" in doc, name


def test_a_higher_import_is_caught() -> None:
    """The check itself: the spec's schema importing the pipeline, even inside a function, is
    an import of a higher stage; a layout module importing the fonts is not."""
    found = _imports_in("def f():\n    from ..pipeline import prepare\n", "certgen.spec.schema", False)
    assert found == {"certgen.pipeline"} and _stage("certgen.pipeline") > _stage("certgen.spec.schema")
    found = _imports_in("from ..fonts import FONTS\n", "certgen.layout.fit", False)
    assert found == {"certgen.fonts"} and _stage("certgen.fonts") < _stage("certgen.layout.fit")


def test_every_public_name_resolves() -> None:
    """Every name in certgen.__all__ is there (the lazy ones too), PrintOptions among them."""
    import certgen

    for name in certgen.__all__:
        assert getattr(certgen, name) is not None, name
    assert certgen.PrintOptions(order="pages").order == "pages"


def test_verify_from_the_library_makes_the_commands_decisions(tmp_path: Path) -> None:
    """certgen.verify(file, spec=...) answers as ``certgen verify --spec`` does."""
    import certgen
    from conftest import SAMPLE_HOLDERS, SAMPLE_SPEC

    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(certgen.render(SAMPLE_SPEC, certgen.load_holders(SAMPLE_HOLDERS)[:1]))
    [verdict] = certgen.verify(pdf, spec=SAMPLE_SPEC)
    assert verdict.status == "authentic" and "layout" in verdict.compared
    key = SAMPLE_SPEC.parent / certgen.load_spec(SAMPLE_SPEC).qr.public_key  # type: ignore[union-attr]
    [verdict] = certgen.verify(pdf, key=key)
    assert verdict.status == "authentic" and "layout" not in verdict.compared
    [verdict] = certgen.verify(payload=verdict.payload.encode(), key=key)  # type: ignore[union-attr]
    assert verdict.status == "authentic" and verdict.compared == ("signature",)
