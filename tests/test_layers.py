"""The layers hold: every import in src/ (also inside functions) points down, none in a cycle,
and no module below cli/ reads the clock or asks a stream whether it is a terminal.

The allowed imports are written down in the README («For utviklere»); this is their check.
Each rule is also run on a small planted tree, so a checker that finds nothing cannot pass.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "naervaer_cli"

LOW = ("importer", "rules", "policy", "calendar")
HIGH = ("caselog", "output", "documents", "mail", "cli")


@dataclass(frozen=True)
class Rule:
    """Modules under one of `importers` must not import a module under one of `forbidden`."""

    importers: tuple[str, ...]
    forbidden: tuple[str, ...]
    why: str
    # An import under `if TYPE_CHECKING:` loads nothing at run time; a rule about loading
    # may allow it, a rule about direction may not.
    type_only_allowed: bool = False
    exempt: tuple[str, ...] = ()  # modules the rule does not apply to


EVERYTHING = ("",)
RULES = (
    Rule(LOW, HIGH, "the importer, rules, policy and calendar sit below everything else"),
    Rule(
        ("scan", "levels", "pupil_view", "result"),
        ("caselog", "inputs", "config", "history", *HIGH),
        "the scan core is pure: values in, values out (inputs.py loads, the CLI renders)",
    ),
    Rule(("output",), ("scan",), "output renders result values; the scan runs elsewhere"),
    Rule(
        ("caselog",),
        ("config", "history", "policy"),
        "the case log is handed what it needs; inputs.py loads config, history and policy",
        type_only_allowed=True,
    ),
    Rule(("mail", "templating"), ("documents",), "mail shares templating.py, not documents/"),
    Rule(
        EVERYTHING,
        ("cli",),
        "only cli/ wires commands; nothing imports it back",
        exempt=("__main__",),  # `python -m naervaer_cli` is the entry point
    ),
)

# Only the CLI (and the environment it makes) may look at the clock or at terminals.
CLOCK_AND_TTY_ALLOWED = ("cli", "environment")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (a name imported from a module counts as it)
    path: Path
    line: int
    type_only: bool


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files(root: Path) -> list[Path]:
    return sorted((root / PACKAGE).rglob("*.py"))


class _Collector(ast.NodeVisitor):
    """Every import statement in a module, at any depth, and whether it is type-only."""

    def __init__(self, source: str, path: Path, is_package: bool) -> None:
        self.source, self.path, self.is_package = source, path, is_package
        self.found: list[Import] = []
        self._type_only = 0

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        self._type_only += guarded
        for child in node.body:
            self.visit(child)
        self._type_only -= guarded
        for child in node.orelse:
            self.visit(child)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, node.lineno)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:  # relative: from the importing module's package
            package = self.source.split(".")
            drop = node.level - 1 if self.is_package else node.level
            anchor = package[: len(package) - drop]
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            self._add(f"{base}.{alias.name}", node.lineno)

    def _add(self, target: str, line: int) -> None:
        if target == PACKAGE or target.startswith(PACKAGE + "."):
            self.found.append(Import(self.source, target, self.path, line, self._type_only > 0))


def collect_imports(root: Path) -> list[Import]:
    found: list[Import] = []
    for path in source_files(root):
        collector = _Collector(module_name(root, path), path, path.name == "__init__.py")
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        found += collector.found
    return found


def _under(module: str, area: str) -> bool:
    dotted = f"{PACKAGE}.{area}" if area else PACKAGE
    return module == dotted or module.startswith(dotted + ".")


def _where(imp: Import, root: Path) -> str:
    return f"{imp.path.relative_to(root)}:{imp.line}"


def layer_violations(root: Path) -> list[str]:
    """One line per import that breaks a rule: file, line, what it imports and why not."""
    problems = []
    for imp in collect_imports(root):
        for rule in RULES:
            if imp.type_only and rule.type_only_allowed:
                continue
            if not any(_under(imp.source, area) for area in rule.importers):
                continue
            if any(imp.source == f"{PACKAGE}.{name}" for name in rule.exempt):
                continue
            hit = [area for area in rule.forbidden if _under(imp.target, area)]
            # A package may import its own parts (cli/ imports cli/options).
            if hit and not any(_under(imp.source, area) for area in hit):
                problems.append(f"{_where(imp, root)}: imports {imp.target} ({rule.why})")
    return problems


def import_cycles(root: Path) -> list[list[str]]:
    """Groups of modules that import one another at run time (directly or through others)."""
    modules = {module_name(root, p) for p in source_files(root)}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for imp in collect_imports(root):
        if imp.type_only:
            continue
        # `from pkg.mod import name` imports pkg.mod; `from pkg import mod` imports pkg.mod.
        target = imp.target
        while target not in modules and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in modules and target != imp.source:
            graph[imp.source].add(target)
    return _strongly_connected(graph)


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm; only components of more than one module are cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def clock_and_tty_calls(root: Path) -> list[str]:
    """`date.today()`, `datetime.today()`, `datetime.now()` and `….isatty()` below cli/."""
    problems = []
    for path in source_files(root):
        module = module_name(root, path)
        if any(_under(module, area) for area in CLOCK_AND_TTY_ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name, owner = node.func.attr, node.func.value
            owner_name = (
                owner.id
                if isinstance(owner, ast.Name)
                else owner.attr
                if isinstance(owner, ast.Attribute)
                else ""
            )
            clock = name == "today" and owner_name in ("date", "datetime")
            if clock or name == "isatty":
                where = f"{path.relative_to(root)}:{node.lineno}"
                problems.append(f"{where}: {owner_name}.{name}() (take it from the Environment)")
    return problems


# ----------------------------------------------------------------------------- the real tree


def test_the_source_tree_keeps_its_layers() -> None:
    assert collect_imports(SRC), "the checker found no imports at all"
    assert layer_violations(SRC) == []


def test_no_import_cycles() -> None:
    assert import_cycles(SRC) == []


def test_only_the_cli_reads_the_clock_or_asks_for_a_terminal() -> None:
    assert clock_and_tty_calls(SRC) == []


# ------------------------------------------------------------------ the same checks, planted


def plant(root: Path, files: dict[str, str]) -> Path:
    """A source tree with `naervaer_cli` and the given modules (path → code)."""
    for name, code in {"__init__.py": "", **files}.items():
        path = root / PACKAGE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root / PACKAGE).parents:
            init = root / PACKAGE / parent / "__init__.py"
            if not init.exists():
                init.write_text("", encoding="utf-8")
        path.write_text(code, encoding="utf-8")
    return root


def test_a_planted_import_inside_a_function_is_caught(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "rules/fine.py": "from naervaer_cli.policy import Policy\n",
            "rules/bad.py": (
                "def evaluate():\n    from naervaer_cli.caselog.store import CaseStore\n"
            ),
        },
    )
    assert layer_violations(root) == [
        "naervaer_cli/rules/bad.py:2: imports naervaer_cli.caselog.store.CaseStore "
        "(the importer, rules, policy and calendar sit below everything else)"
    ]


@pytest.mark.parametrize(
    ("name", "code", "why"),
    [
        ("output/json_out.py", "from naervaer_cli.scan import to_json\n", "output renders"),
        ("caselog/evaluate.py", "from naervaer_cli import history\n", "the case log is handed"),
        ("mail/templates.py", "from ..documents import loader\n", "mail shares templating"),
        ("policy.py", "import naervaer_cli.mail.notify\n", "the importer, rules, policy"),
        ("scan.py", "def f():\n    from naervaer_cli.caselog import evaluate\n", "scan core"),
        ("inputs.py", "from naervaer_cli.cli.options import parse_date\n", "only cli/ wires"),
    ],
)
def test_each_rule_catches_a_planted_import(tmp_path: Path, name: str, code: str, why: str) -> None:
    found = layer_violations(plant(tmp_path, {name: code}))
    assert len(found) == 1 and found[0].startswith(f"naervaer_cli/{name}:") and why in found[0]


def test_type_only_imports_count_for_direction_but_load_nothing(tmp_path: Path) -> None:
    guarded = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from {} import X\n"
    root = plant(
        tmp_path,
        {
            "caselog/store.py": guarded.format("naervaer_cli.config"),
            "rules/school.py": guarded.format("naervaer_cli.output.labels"),
        },
    )
    assert [line.split(":")[0] for line in layer_violations(root)] == [
        "naervaer_cli/rules/school.py"
    ]


def test_a_planted_cycle_is_caught(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "rules/school.py": "def table():\n    from naervaer_cli.rules.signals import f\n",
            "rules/signals.py": "from naervaer_cli.rules.school import prepare\n",
            "rules/flags.py": "",
        },
    )
    assert import_cycles(root) == [["naervaer_cli.rules.school", "naervaer_cli.rules.signals"]]


def test_a_planted_clock_or_terminal_question_is_caught(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "inputs.py": "from datetime import date\nas_of = date.today()\n",
            "output/__init__.py": "import sys\nterminal = sys.stdout.isatty()\n",
            "cli/scan.py": "import datetime\ntoday = datetime.date.today()\n",
            "environment.py": "import sys\ntty = sys.stderr.isatty()\n",
        },
    )
    assert clock_and_tty_calls(root) == [
        "naervaer_cli/inputs.py:2: date.today() (take it from the Environment)",
        "naervaer_cli/output/__init__.py:2: stdout.isatty() (take it from the Environment)",
    ]
