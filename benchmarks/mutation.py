"""Mutation testing of the sans-IO core, one token at a time (``nox -s mutation``; see TESTING.md).

Each mutant changes one token of one core module: a comparison or arithmetic operator, a number
(one up, one down), a string literal (``"pt_"`` becomes ``"XXpt_"``), ``True``/``False``,
``and``/``or``, ``is``/``is not``, a dropped ``not``, ``break``/``continue``. Docstrings, comments,
annotations and ``__all__`` are left alone. The fast tests run against each mutant in a private
copy of the tree (so the checkout is never modified), stopping at the first failure; a mutant is
killed when they fail or run past the time limit.

A mutant that only changes the text of an error message (a token inside the first argument of a
call to an exception class) is counted apart: the tests pin codes, types and the names an error
message must carry, not its wording. Mutants with no observable effect are listed in
``EQUIVALENT`` below, each with the reason, and counted apart too.

Usage: ``python benchmarks/mutation.py [--jobs 2] [--timeout 60] [--module _json] [--list]``.
Writes a summary to stdout and the survivors to ``benchmarks/_mutation/survivors.txt``.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "_mutation"

MODULES = [
    "_json",
    "_signing",
    "_urls",
    "_retry",
    "_envelope",
    "_exceptions",
    "_validation",
    "_fields",
    "webhooks",
]
"""The core modules under mutation (``plugipay/<name>.py``)."""

# The killing set of each module: its own unit tests first (most mutants fail within a second),
# then the tests of the modules that use it and the hostile-input walk where the module's checks
# guard the clients. A whole-suite run per mutant would take hours on two cores.
KILLING_SETS = {
    "_json": [
        "unit/test_json.py",
        "unit/test_signing.py",
        "unit/test_limits.py",
        "test_hostile_input.py",
    ],
    "_signing": ["unit/test_signing.py", "unit/test_request.py"],
    "_urls": [
        "unit/test_urls.py",
        "unit/test_request.py",
        "unit/test_config.py",
        "test_hostile_input.py",
    ],
    "_retry": ["unit/test_retry.py", "unit/test_errors.py"],
    "_envelope": ["unit/test_envelope.py", "unit/test_limits.py"],
    "_exceptions": ["unit/test_errors.py", "unit/test_envelope.py", "unit/test_retry.py"],
    "_validation": ["unit/test_validation.py", "unit/test_limits.py", "test_hostile_input.py"],
    "_fields": ["unit/test_validation.py", "test_hostile_input.py"],
    "webhooks": ["unit/test_webhooks.py", "unit/test_limits.py"],
    "_async/resources/customers": ["unit/test_validation.py", "test_hostile_input.py"],
}

NAMED: list[tuple[str, str, str, str]] = [
    ("_async/resources/customers", 'checks.prefixed("pt_")', '"pt_"', '"XXpt_"'),
    ("_validation", "if not str(value).startswith(prefix):", "if not", "if"),
    ("_retry", "_DECIMAL = re.compile(", r"|\.[0-9]+", r"|\.[0-9]*"),
    ("_urls", 'for segment in path[1:].split("/"):', "path[1:]", "path[2:]"),
    ("_urls", "_DOT_SEGMENT = re.compile(", "{1,2}", "{2}"),
    ("_validation", '_CURRENCY = re.compile(r"[A-Z]{3}")', "{3}", "{4}"),
    ("_validation", "if max_length is not None and len(value) > max_length:", "> max", ">= max"),
    ("_exceptions", 'default_code = "auth_required"', '"auth_required"', '"XX"'),
    ("_exceptions", 'default_code = "insufficient_scope"', '"insufficient_scope"', '"XX"'),
    ("_exceptions", 'default_code = "unprocessable_entity"', '"unprocessable_entity"', '"XX"'),
    ("_exceptions", 'default_code = "internal_error"', '"internal_error"', '"XX"'),
    ("_urls", "_PATH_SEGMENT = re.compile(", "%[0-9A-Fa-f]{2}", "%[0-9A-F]{2}"),
    ("_urls", "if not segment:", "if not segment:", "if False:"),
    ("webhooks", "or timestamp < 0:", "timestamp < 0", "timestamp <= 0"),
]
"""The surviving mutants the Hardening issue (item 12) names, written out by hand: (module, a
piece of the line, old, new). Each run checks that every one of them is killed; they are not
counted in the score."""

_C_ENCODER = '_encode_string: Any = getattr(json.encoder, "c_encode_basestring", None) or ('
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("_json", _C_ENCODER, '"c_encode_basestring" -> "XXc_encode_basestring"'): (
        "falls back to json's pure-Python encoder, which writes the same bytes (only slower)"
    ),
    ("_json", _C_ENCODER, "or -> and"): "picks the pure-Python encoder: same bytes, only slower",
    ("_json", "if value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:", "<= -> <"): (
        "a fast path: _js_float writes 2**53 - 1 as the same digits"
    ),
    ("_json", 'sign = "-" if value < 0 else ""', "< -> <="): "zero returned earlier",
    ("_json", 'digits = (whole + frac).lstrip("0")', '"0" -> "XX0"'): (
        "strips the characters X and 0 from a string of digits: no X is ever there"
    ),
    ("_json", 'n -= len(whole + frac) - len((whole + frac).lstrip("0"))', '"0" -> "XX0"'): (
        "strips X and 0 from digits: no X is ever there"
    ),
    ("_json", 'digits = digits.rstrip("0")', '"0" -> "XX0"'): (
        "strips X and 0 from digits: no X is ever there"
    ),
    ("_json", "if 0 < n <= 21:", "<= -> <"): (
        "n == 21 is taken by the branch above (a double has at most 17 digits, so k <= n)"
    ),
    ("_json", "if 0 < n <= 21:", "21 -> 20"): "n == 21 is taken by the branch above (k <= 17)",
    ("_json", "if -6 < n <= 0:", "0 -> 1"): "n == 1 is taken by the branch above",
    ("_json", 'exp_part = ("+" if exponent >= 0 else "-") + str(abs(exponent))', ">= -> >"): (
        "exponent 0 means n == 1, taken by an earlier branch"
    ),
    ("_json", 'exp_part = ("+" if exponent >= 0 else "-") + str(abs(exponent))', "0 -> 1"): (
        "exponent 0 means n == 1, taken by an earlier branch"
    ),
    ("_urls", 'return quote(value, safe="")', '"" -> "XX"'): (
        "X is unreserved, so quote() keeps it anyway"
    ),
    ("_urls", 'host = hostname.lower().rstrip(".")', '"." -> "XX."'): (
        "the host is lower-cased first, so no upper-case X is left to strip"
    ),
    ("_retry", "ceiling = min(MAX_DELAY, BASE_DELAY * (2 ** min(retry_number, 32)))", "32 -> 33"): (
        "an overflow guard: any exponent past 4 is capped at 8 s"
    ),
    ("_retry", "ceiling = min(MAX_DELAY, BASE_DELAY * (2 ** min(retry_number, 32)))", "32 -> 31"): (
        "an overflow guard: any exponent past 4 is capped at 8 s"
    ),
    ("_envelope", 'snippet = body[:800].decode("utf-8", "replace")[:200]', "800 -> 801"): (
        "200 characters never take more than 800 bytes of UTF-8"
    ),
    (
        "_exceptions",
        'snippet = body[: _SNIPPET * 4].decode("utf-8", "replace")[:_SNIPPET]',
        "4 -> 5",
    ): ("200 characters never take more than 800 bytes of UTF-8"),
    ("webhooks", "deepest = 0", "0 -> 1"): (
        "only a body with no object or array starts at 1, and 1 is within the limit either way"
    ),
    ("webhooks", "break", "break -> continue"): (
        "the early exit once past MAX_DEPTH: walking on finds the same answer, only slower"
    ),
}
"""(module, the mutated line stripped, "old -> new"): why the mutant cannot be observed."""

MESSAGE_ONLY: dict[tuple[str, str, str], str] = {}
"""Mutants that change only message text but sit outside an ``*Error(...)`` call: why."""

_OPERATORS = {
    "==": ["!="],
    "!=": ["=="],
    "<": ["<="],
    "<=": ["<"],
    ">": [">="],
    ">=": [">"],
    "+": ["-"],
    "-": ["+"],
    "*": ["/"],
    "**": ["*"],
    "//": ["/"],
    "%": ["//"],
    "+=": ["-="],
    "-=": ["+="],
    "|=": ["&="],
}
_NAMES = {
    "True": ["False"],
    "False": ["True"],
    "and": ["or"],
    "or": ["and"],
    "is": ["is not"],
    "not": [""],
    "break": ["continue"],
    "continue": ["break"],
}


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int
    col: int
    old: str
    new: str
    text: str  # the original line, stripped
    message_only: bool

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.module, self.text, f"{self.old} -> {self.new}")

    def __str__(self) -> str:
        return f"plugipay/{self.module}.py:{self.line}:{self.col}: {self.old!r} -> {self.new!r}    | {self.text}"


def _spans(
    tree: ast.AST,
) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]]]:
    """Source spans that are never mutated (docstrings, annotations, ``__all__``), and the spans
    of error messages (the first argument of a call to a class named ``*Error``)."""
    skip: list[tuple[int, int, int, int]] = []
    messages: list[tuple[int, int, int, int]] = []

    def span(node: ast.AST) -> tuple[int, int, int, int]:
        return (node.lineno, node.col_offset, node.end_lineno or 0, node.end_col_offset or 0)  # type: ignore[attr-defined]

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                skip.append(span(first))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.append(span(node))  # attribute docstrings
        if isinstance(node, ast.AnnAssign):
            skip.append(span(node.annotation))
        if isinstance(node, ast.arg) and node.annotation is not None:
            skip.append(span(node.annotation))
        if isinstance(node, ast.FunctionDef) and node.returns is not None:
            skip.append(span(node.returns))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            skip.append(span(node))
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name.endswith("Error"):
                messages.append(span(node.args[0]))
    return skip, messages


def _inside(pos: tuple[int, int], spans: list[tuple[int, int, int, int]]) -> bool:
    return any((l1, c1) <= pos < (l2, c2) for l1, c1, l2, c2 in spans)


_LAYOUT = (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)


def _after_operand(before: tokenize.TokenInfo | None) -> bool:
    if before is None:
        return False
    if before.type in (tokenize.NUMBER, tokenize.STRING):
        return True
    if before.type == tokenize.NAME:
        return before.string not in ("def", "lambda", "return", "yield", "in", "and", "or", "not")
    return before.string in (")", "]", "}")


def mutants_of(module: str, source: str) -> list[Mutant]:
    """Every one-token mutant of a module's source."""
    skip, messages = _spans(ast.parse(source))
    lines = source.splitlines()
    found = []
    previous: tokenize.TokenInfo | None = None
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        pos = tok.start
        before, previous = previous, (tok if tok.type not in _LAYOUT else previous)
        if _inside(pos, skip):
            continue
        if tok.type == tokenize.OP:
            replacements = _OPERATORS.get(tok.string, [])
            if tok.string in ("*", "**") and not _after_operand(before):
                replacements = []  # "*," in a signature, "**kwargs": not arithmetic
        elif tok.type == tokenize.NAME:
            replacements = _NAMES.get(tok.string, [])
            if tok.string == "is" and lines[pos[0] - 1][tok.end[1] :].startswith(" not"):
                replacements = []  # "is not": its "not" is mutated instead
        elif tok.type == tokenize.NUMBER:
            value = ast.literal_eval(tok.string)
            replacements = [repr(value + 1)] + ([repr(value - 1)] if value else [])
        elif tok.type == tokenize.STRING:
            prefix_end = next(i for i, ch in enumerate(tok.string) if ch in "'\"")
            quote = tok.string[prefix_end] * (
                3 if tok.string[prefix_end:].startswith(tok.string[prefix_end] * 3) else 1
            )
            head = tok.string[: prefix_end + len(quote)]
            replacements = [head + "XX" + tok.string[len(head) :]]
        else:
            continue
        for new in replacements:
            found.append(
                Mutant(
                    module,
                    pos[0],
                    pos[1],
                    tok.string,
                    new,
                    lines[pos[0] - 1].strip(),
                    _inside(pos, messages),
                )
            )
    return found


def named_mutants(sources: dict[str, str]) -> list[Mutant]:
    """The ``NAMED`` mutants, located in the current sources."""
    found = []
    for module, where, old, new in NAMED:
        lines = sources[module].splitlines()
        number = next(i for i, line in enumerate(lines, 1) if where in line)
        col = lines[number - 1].index(old)
        found.append(Mutant(module, number, col, old, new, lines[number - 1].strip(), False))
    return found


def apply(source: str, mutant: Mutant) -> str:
    lines = source.splitlines(keepends=True)
    line = lines[mutant.line - 1]
    assert line[mutant.col :].startswith(mutant.old), mutant
    lines[mutant.line - 1] = line[: mutant.col] + mutant.new + line[mutant.col + len(mutant.old) :]
    return "".join(lines)


def _copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "plugipay", dest / "plugipay", ignore=ignore)
    shutil.copytree(ROOT / "tests", dest / "tests", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


_WARM = (
    "pytest",
    "hypothesis",
    "hypothesis.strategies",
    "httpx",
    "respx",
    "trio",
    "anyio",
    "attrs",
    "cattrs",
)


def _serve(tree: str) -> None:
    """A worker: import the heavy libraries once, then fork a pytest run per request on stdin.

    Each request is a module name; the answer is ``killed``, ``survived`` or ``timeout``. The
    child imports ``plugipay`` afresh from ``tree`` (the parent never imports it), so each run
    sees the mutant just written there.
    """
    import importlib

    for name in _WARM:
        importlib.import_module(name)
    os.chdir(tree)
    for line in sys.stdin:
        module, timeout = line.split()
        pid = os.fork()
        if pid == 0:  # the child: run the tests, exit with pytest's status
            if not os.environ.get("MUTATION_VERBOSE"):
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
            sys.path.insert(0, tree)
            import pytest

            tests = [f"tests/{t}" for t in KILLING_SETS[module]]
            args = [
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                "-W",
                "ignore::pytest.PytestAssertRewriteWarning",
            ]
            os._exit(int(pytest.main([*args, *tests])))
        deadline = time.monotonic() + float(timeout)
        result = "timeout"
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                result = "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
                break
            time.sleep(0.02)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        print(result, flush=True)


class _Worker:
    """One private copy of the tree and its forking test server."""

    def __init__(self, dest: Path) -> None:
        _copy_tree(dest)
        self.tree = dest
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(dest)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, module: str, timeout: float) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(f"{module} {timeout}\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per mutant run")
    parser.add_argument("--module", action="append", help="only these modules (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument(
        "--fail-under", type=float, default=97.0, help="exit 1 below this score (set-asides aside)"
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args.serve)
        return 0
    modules = args.module or MODULES
    named_modules = {m for m, _, _, _ in NAMED}
    sources = {
        m: (ROOT / "plugipay" / f"{m}.py").read_text("utf-8") for m in {*modules, *named_modules}
    }
    mutants = [mu for m in modules for mu in mutants_of(m, sources[m])]
    named = [] if args.module else named_mutants(sources)
    if args.list:
        for mu in mutants:
            print(("M " if mu.message_only else "  ") + str(mu))
        print(f"{len(mutants)} mutants")
        return 0
    with tempfile.TemporaryDirectory(prefix="plugipay-mutation-") as tmp:
        workers = [_Worker(Path(tmp) / f"w{i}") for i in range(args.jobs)]
        try:
            for module in modules:
                if workers[0].run(module, args.timeout * 3) != "survived":
                    print(f"the unmutated tree fails the tests of {module}; fix that first")
                    return 2
            results = _run_all(workers, mutants + named, sources, args.timeout)
        finally:
            for worker in workers:
                worker.close()
    return report(mutants, results, modules, named, args.fail_under)


def _run_all(
    workers: list[_Worker], mutants: list[Mutant], sources: dict[str, str], timeout: float
) -> dict[Mutant, str]:
    free = list(workers)
    results: dict[Mutant, str] = {}
    started = time.monotonic()

    def run(mu: Mutant) -> None:
        worker = free.pop()
        target = worker.tree / "plugipay" / f"{mu.module}.py"
        try:
            target.write_text(apply(sources[mu.module], mu), "utf-8")
            # A cached .pyc of the same size and second would hide the mutant from the import.
            for stale in target.parent.glob(f"__pycache__/{target.stem}.*.pyc"):
                stale.unlink()
            results[mu] = worker.run(mu.module, timeout)
        finally:
            target.write_text(sources[mu.module], "utf-8")
            free.append(worker)
        if len(results) % 50 == 0:
            print(
                f"  {len(results)}/{len(mutants)} in {time.monotonic() - started:.0f} s", flush=True
            )

    with ThreadPoolExecutor(len(workers)) as pool:
        list(pool.map(run, mutants))
    return results


def report(
    mutants: list[Mutant],
    results: dict[Mutant, str],
    modules: list[str],
    named: list[Mutant],
    fail_under: float,
) -> int:
    """Print the counts and scores, write the survivors; 1 if the score is under ``fail_under``
    or a named mutant survives."""
    survived = [mu for mu in mutants if results[mu] == "survived"]
    message = [mu for mu in survived if mu.message_only or mu.key in MESSAGE_ONLY]
    equivalent = [mu for mu in survived if mu not in message and mu.key in EQUIVALENT]
    alive = [mu for mu in survived if mu not in message and mu not in equivalent]
    total, killed = len(mutants), len(mutants) - len(survived)
    timeouts = sum(1 for mu in mutants if results[mu] == "timeout")
    counted = total - len(message) - len(equivalent)
    score = killed / counted if counted else 1.0
    named_alive = [mu for mu in named if results[mu] == "survived"]
    keys = {mu.key for mu in mutants}
    stale = [key for key in [*EQUIVALENT, *MESSAGE_ONLY] if key not in keys]
    lines = [
        f"modules: {', '.join(modules)}",
        f"mutants: {total}; killed: {killed} (timeouts among them: {timeouts}); "
        f"survived: {len(survived)}",
        f"  of the survivors: message-only {len(message)}, equivalent {len(equivalent)}, "
        f"alive {len(alive)}",
        f"score, all mutants: {killed / total:.1%}",
        f"score, message-only and equivalent set aside: {score:.1%} ({killed}/{counted})",
    ]
    if named:
        lines.append(f"named in the issue: {len(named) - len(named_alive)}/{len(named)} killed")
    print("\n".join(lines))
    OUT.mkdir(exist_ok=True)
    with (OUT / "survivors.txt").open("w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n\n")
        for title, group in (
            ("alive", alive),
            ("named in the issue, alive", named_alive),
            ("message-only", message),
            ("equivalent", equivalent),
        ):
            out.write(f"## {title} ({len(group)})\n")
            for mu in group:
                reason = EQUIVALENT.get(mu.key) or MESSAGE_ONLY.get(mu.key)
                out.write(f"{mu}" + (f"    # {reason}" if reason else "") + "\n")
            out.write("\n")
    for mu in alive:
        print(f"ALIVE {mu}")
    for mu in named_alive:
        print(f"NAMED MUTANT ALIVE {mu}")
    for key in stale:
        print(f"set-aside entry matches no mutant any more (remove it): {key}")
    return 1 if named_alive or score * 100 < fail_under else 0


if __name__ == "__main__":
    sys.exit(main())
