"""The house rules that can be read off the source (DEVELOPERS.md): the layout section names every module, the
domain never reaches into the web layer, only the callers commit, and no two modules need each other to load.
Read with `ast`, so that a comment or a string never counts as code."""

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "meldpunt"

# The domain: rules and data, no HTTP. They may be called from a view, a command or a worker, never the reverse.
DOMAIN_PACKAGES = ("reports", "feedback", "geo", "staff", "analysis", "events", "privacy", "outbox", "open311",
                   "profiles")  # fmt: skip
# Who may end a transaction (DEVELOPERS.md, "One committer"): the views, the flask commands, and the outbox worker,
# which commits once per mail so that a crash never sends a mail twice. The privacy sweep's command is in cli.py.
COMMITTERS = ("meldpunt/web/", "meldpunt/cli.py", "meldpunt/outbox/worker.py")


@dataclass(frozen=True)
class Module:
    name: str  # meldpunt.reports.workflow
    path: Path
    tree: ast.Module

    @property
    def relative(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def _modules() -> list[Module]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found.append(Module(name, path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))))
    return found


MODULES = _modules()
NAMES = {m.name for m in MODULES}


def _absolute(module: Module, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imported(module: Module, node) -> list[str]:
    """The modules an import statement loads, by name (a `from package import name` that is a submodule loads the
    submodule)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    source = _absolute(module, node)
    return [f"{source}.{alias.name}" if f"{source}.{alias.name}" in NAMES else source for alias in node.names]


def _all_imports(module: Module) -> list[tuple[int, str]]:
    return [(node.lineno, name) for node in ast.walk(module.tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            for name in _imported(module, node)]  # fmt: skip


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _load_time_imports(module: Module) -> set[str]:
    """What importing the module runs: module and class bodies, not functions (an import inside a function runs
    when it is called) and not `if TYPE_CHECKING:` blocks."""
    found: set[str] = set()

    def visit(statements):
        for node in statements:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update(_imported(module, node))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            elif isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    visit(getattr(node, field, []) or [])

    visit(module.tree.body)
    return {name for name in found if name in NAMES}


# -- (a) the layout section names every module --------------------------------------------------------------------


def _layout_block() -> list[str]:
    text = (ROOT / "DEVELOPERS.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1].splitlines()[1:]


def _layout_tree(opened: list[str] | None = None) -> dict[str, list[str]]:
    """Per directory of the layout (e.g. "meldpunt/geo/"), the lines that describe it and what is in it, read by
    indentation: a line ending a name with "/" opens a directory, less or equal indentation closes it."""
    blocks: dict[str, list[str]] = {}
    open_dirs: list[tuple[int, str]] = []  # (indent, path)
    for line in _layout_block():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        name = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        if indent % 2 == 0:  # a name column; deeper lines continue a description
            while open_dirs and open_dirs[-1][0] >= indent:
                open_dirs.pop()
        parent = open_dirs[-1][1] if open_dirs else ""
        for directory in open_dirs:
            blocks[directory[1]].append(line)
        if indent % 2 == 0 and name.endswith("/") and " " not in name:
            path = parent + name
            blocks.setdefault(path, []).append(line)
            if opened is not None:
                opened.append(path)
            open_dirs.append((indent, path))
    return blocks


def _names_in(lines: list[str]) -> set[str]:
    """Module and directory names as written: "photos.py", "geo/"; not paths into other directories."""
    text = "\n".join(lines)
    return set(re.findall(r"(?<![\w/.])([A-Za-z_]\w*\.py)\b", text)) | set(re.findall(r"(?<![\w/.])(\w+/)", text))


def test_the_layout_section_names_every_module_where_it_lives():
    tree = _layout_tree()
    missing = []
    for module in MODULES:
        directory = module.path.parent.relative_to(ROOT).as_posix() + "/"
        if module.is_package and module.path.parent != PACKAGE:
            parent = module.path.parent.parent.relative_to(ROOT).as_posix() + "/"
            if module.path.parent.name + "/" not in _names_in(tree.get(parent, [])):
                missing.append(directory)
            continue  # a package's __init__.py is described by its directory's line
        if module.path.name not in _names_in(tree.get(directory, [])):
            missing.append(module.relative)
    assert missing == [], f"not in DEVELOPERS.md's layout section (or not under its directory there): {missing}"


def test_every_module_the_layout_section_names_exists():
    tree = _layout_tree()
    for directory in tree:
        if directory.startswith("meldpunt/"):
            assert (ROOT / directory).is_dir(), directory
    gone = []
    for line in _layout_block():
        name_column = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]
        for name in re.findall(r"(?<![\w/.])([A-Za-z_]\w*\.py)\b", name_column):
            if not any(p.name == name for p in ROOT.rglob(name) if ".venv" not in p.parts):
                gone.append(name)
    assert gone == [], "named in DEVELOPERS.md's layout section but not in the repository"


def test_the_layout_section_describes_each_directory_once():
    opened: list[str] = []
    _layout_tree(opened)
    # A directory described twice is an old merge's leftover: one of the two is out of date.
    assert sorted({path for path in opened if opened.count(path) > 1}) == []


# -- (b) the domain never imports the web layer -------------------------------------------------------------------


def _domain_modules() -> list[Module]:
    return [m for m in MODULES if m.name.split(".")[1:2] and m.name.split(".")[1] in DOMAIN_PACKAGES]


def test_the_domain_never_imports_the_web_layer_or_the_request():
    assert len(_domain_modules()) > 60  # the packages above are found
    found = []
    for module in _domain_modules():
        for line, name in _all_imports(module):
            if name == "meldpunt.web" or name.startswith("meldpunt.web."):
                found.append(f"{module.relative}:{line} imports {name}")
        for node in ast.walk(module.tree):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                if any(alias.name in ("request", "session", "g") for alias in node.names):
                    found.append(f"{module.relative}:{node.lineno} imports flask's request-bound objects")
    assert found == []


# -- (c) one committer -------------------------------------------------------------------------------------------


def _commits(module: Module) -> list[str]:
    """Every call that ends a transaction: x.commit(), and the context managers that commit on leaving
    (engine.begin(), session.begin()); savepoints (begin_nested) end nothing."""
    found = []
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "begin")
        ):
            found.append(f"{module.relative}:{node.lineno} {ast.unparse(node.func)}()")
    return found


def test_only_views_commands_and_the_outbox_worker_commit():
    found = [line for module in MODULES if not module.relative.startswith(COMMITTERS) for line in _commits(module)]
    assert found == []


def test_the_check_finds_a_commit():
    """The check above reads calls, not text: a commit in a docstring is no commit, one in code is."""
    code = '"""db.session.commit()"""\ndef f():\n    db.session.commit()\n'
    module = Module("meldpunt.example", PACKAGE / "example.py", ast.parse(code))
    assert _commits(module) == ["meldpunt/example.py:3 db.session.commit()"]


def test_the_domain_never_rolls_back_its_callers_work():
    """A domain function that rolls back throws away whatever its caller had added in the same transaction; a
    savepoint (begin_nested) undoes only its own statements."""
    found = []
    for module in _domain_modules():
        if module.relative.startswith(COMMITTERS):
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "rollback":
                found.append(f"{module.relative}:{node.lineno}")
    assert found == []


# -- import loops ---------------------------------------------------------------------------------------------------


def _cycles() -> list[list[str]]:
    """Groups of modules that import each other while loading (Tarjan's strongly connected components)."""
    graph = {m.name: sorted(_load_time_imports(m) - {m.name}) for m in MODULES}
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, []):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in graph:
        if node not in index:
            connect(node)
    return groups


def test_no_modules_import_each_other_while_loading():
    assert _cycles() == []


def test_the_old_loop_is_broken_where_the_issue_said():
    """workflow -> notifications -> satisfaction -> workflow (issue 9): the mails no longer need the answers."""
    loaded = {m.name: _load_time_imports(m) for m in MODULES}
    assert "meldpunt.feedback.notifications" in loaded["meldpunt.reports.workflow"]
    assert "meldpunt.feedback.satisfaction" not in loaded["meldpunt.feedback.notifications"]
    assert "meldpunt.feedback.notifications" not in loaded["meldpunt.feedback.satisfaction"]


@pytest.mark.parametrize(
    "name", ["meldpunt.reports.workflow", "meldpunt.feedback.notifications", "meldpunt.feedback.satisfaction"]
)
def test_each_module_of_the_old_loop_imports_alone(name):
    """Imported first, in a fresh interpreter: a loop shows as an ImportError for a partly loaded module."""
    result = subprocess.run([sys.executable, "-c", f"import {name}"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# -- facts in one place -----------------------------------------------------------------------------------------


def _calls_of(name: str) -> list[str]:
    return [f"{m.relative}:{node.lineno}" for m in MODULES for node in ast.walk(m.tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name]  # fmt: skip


def test_history_lines_are_written_in_one_place():
    """reports/history.record_change writes every line of a report's history (issue 9: it was built in four)."""
    assert [where.split(":")[0] for where in _calls_of("StateChange")] == ["meldpunt/reports/history.py"]


def test_the_privacy_sweep_leaves_the_outboxs_table_to_the_outbox():
    """The sweep asks outbox/scrub.py to erase and redact; only the outbox knows its table."""
    found = [f"{m.relative}:{line}" for m in MODULES if m.name.startswith("meldpunt.privacy")
             for line, name in _all_imports(m) if name == "meldpunt.outbox.models"]  # fmt: skip
    assert found == []


# Where the code may ask which database it runs on (DEVELOPERS.md, "Geometry in the database"): the modules that
# hold the differences, a column type's own adapter, Alembic's hooks and the doctor that names what to install.
DIALECT_MODULES = ("meldpunt/geo/spatial.py", "meldpunt/geo/engine.py", "meldpunt/dialect_sql.py",
                   "meldpunt/db_types.py", "meldpunt/migrations_support.py", "meldpunt/geo/checks.py")  # fmt: skip
# Still outside them, each a bulk path's PostgreSQL-only speed-up (a MATERIALIZED CTE, COPY): to be moved into
# geo/spatial.py and geo/engine.py. A new dialect check anywhere else fails the test below.
DIALECT_CHECKS_TO_MOVE = {"meldpunt/geo/areas.py": 1, "meldpunt/reports/bulk.py": 1}


def _dialect_branches(module: Module) -> int:
    """Comparisons of a dialect's name with a literal: `dialect == "postgresql"`, `x.dialect.name != "sqlite"`."""
    count = 0
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Compare):
            parts = [node.left, *node.comparators]
            names = {ast.unparse(p) for p in parts if not isinstance(p, ast.Constant)}
            literals = {p.value for p in parts if isinstance(p, ast.Constant)}
            if literals & {"postgresql", "sqlite"} and any("dialect" in n for n in names):
                count += 1
    return count


def test_the_code_asks_which_database_only_where_the_differences_live():
    found = {m.relative: n for m in MODULES if not m.relative.startswith(DIALECT_MODULES)
             if (n := _dialect_branches(m))}  # fmt: skip
    assert found == DIALECT_CHECKS_TO_MOVE
    assert "meldpunt/outbox/worker.py" not in found  # issue 9: _next_due asked it


# -- config in config.py, fast and formatted tests ------------------------------------------------------------------


def _settings_read() -> dict[str, str]:
    """Every setting the package reads as config["NAME"], with where."""
    found = {}
    for m in MODULES:
        for node in ast.walk(m.tree):
            if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load)
                    and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
                    and ast.unparse(node.value).endswith("config")):  # fmt: skip
                found.setdefault(node.slice.value, f"{m.relative}:{node.lineno}")
    return found


def test_every_setting_the_code_reads_is_set_in_config_py():
    from flask import Flask

    import config

    known = set(dir(config.Config)) | set(Flask.default_config)
    read = _settings_read()
    assert len(read) > 30
    assert {name: where for name, where in read.items() if name not in known} == {}


def test_session_sign_in_and_hashing_settings_live_in_config_and_tests_hash_cheaply():
    import config

    for name in ("STAFF_IDLE_TIMEOUT", "PERMANENT_SESSION_LIFETIME", "RATELIMIT_LOGIN", "ARGON2_TIME_COST",
                 "ARGON2_MEMORY_COST", "ARGON2_PARALLELISM"):  # fmt: skip
        assert name in vars(config.Config), name
    assert config.TestConfig.ARGON2_MEMORY_COST < config.Config.ARGON2_MEMORY_COST
    # DevelopmentConfig is what `make run` uses (issue 9: it was defined and never used).
    assert "MELDPUNT_CONFIG = config.DevelopmentConfig" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_make_test_checks_the_format():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "ruff format --check meldpunt tests" in recipe and "ruff check meldpunt tests" in recipe
