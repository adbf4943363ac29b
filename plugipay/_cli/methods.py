"""``plugipay <resource> <method> ...``: one command per resource method, generated.

Nothing here names a resource. The commands come from the ``resource(...)`` declarations of the
client class and from each method's signature and annotations, so a resource added to the client
is on the command line with no change here:

- a positional parameter is a positional argument; a keyword parameter is a ``--kebab-case``
  option (``from_`` is ``--from``), required when it has no default; its annotation types it
  (``plugipay._cli.values``): numbers, ``--flag``/``--no-flag``, repeatable text, JSON;
- an update's fields that ``None`` clears can be cleared with ``--unset FIELD``;
- a method returning a paginator takes ``--limit N`` (the most items to print, fetched over as
  many pages as it takes) or ``--all``, and prints ``{"data", "hasMore", "nextCursor"}``;
- a method returning a document (``bytes``, ``str``, a streamed ``Download``) takes ``--output``;
  one returning ``None`` (a delete) prints nothing; any other answer prints as JSON;
- aliases (``retrieve = get``) and kebab-case spellings are argparse aliases of one command.
"""

from __future__ import annotations

import argparse
import inspect
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal, TextIO, get_origin

from .._exceptions import InvalidResponseError
from .._resource import resource
from .._sync._download import Download
from .._sync._pagination import CursorPaginator
from .._types import NOT_GIVEN
from .._validation import MAX_LIMIT
from .connection import add_connection_options, make_client
from .exit_codes import InputError
from .output import check_writable, write_document, write_json
from .values import ArgType, arg_type, parse_value

__all__ = [
    "CommandSpec",
    "Param",
    "add_resource_commands",
    "command_name",
    "iter_commands",
    "method_specs",
    "namespaces",
]

Returns = Literal["page", "document", "value", "nothing"]
ExtraCommands = dict[str, list[Callable[[Any], None]]]


@dataclass(frozen=True)
class Param:
    """One parameter of a resource method, as the command line takes it."""

    name: str
    """The Python parameter name."""
    kind: ArgType
    positional: bool
    """Given by position (a required positional parameter)."""
    required: bool
    variadic: Literal["", "args", "kwargs"] = ""
    """``*args`` or ``**kwargs``: ``**kwargs`` is one JSON object option."""
    clearable: bool = False
    """Defaults to ``NOT_GIVEN`` and takes ``None``: ``--unset`` clears it."""
    default: Any = None

    @property
    def dest(self) -> str:
        """The argparse destination (prefixed, so no parameter shadows the command's own)."""
        return f"arg_{self.name}"

    @property
    def flag(self) -> str:
        """``--kebab-case``, without a trailing underscore (``from_`` → ``--from``)."""
        return "--" + command_name(self.name)


@dataclass(frozen=True)
class CommandSpec:
    """One resource method as a command."""

    namespace: str
    """The client attribute (``checkout_sessions``)."""
    method: str
    """The method's name on the namespace (``list``)."""
    aliases: tuple[str, ...]
    """Other names of the same function (``retrieve`` for ``get``)."""
    doc: str
    params: tuple[Param, ...]
    returns: Returns

    @property
    def paginated_limit(self) -> bool:
        """A list with a page size: ``--limit`` / ``--all`` drive it."""
        return self.returns == "page" and any(p.name == "limit" for p in self.params)

    @property
    def has_cursor(self) -> bool:
        """Takes a ``cursor``, so pages can be fetched one by one at any size."""
        return any(p.name == "cursor" for p in self.params)


def command_name(name: str) -> str:
    """A Python name as a command or option: ``find_by_external_id`` → ``find-by-external-id``."""
    return name.rstrip("_").replace("_", "-")


def namespaces(client_cls: type) -> list[tuple[str, type]]:
    """Every ``resource(...)`` the client class declares, with its namespace class, in
    declaration order."""
    found: dict[str, type] = {}
    for klass in reversed(client_cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, resource):
                found[name] = value.load()
    return list(found.items())


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """The evaluated annotations; one that can't be evaluated reads as ``str``."""
    try:
        return typing.get_type_hints(fn)
    except Exception:
        hints: dict[str, Any] = {}
        namespace = getattr(fn, "__globals__", {})
        for name, annotation in getattr(fn, "__annotations__", {}).items():
            try:
                hints[name] = typing.get_type_hints(
                    _Annotated(name, annotation), globalns=namespace
                )[name]
            except Exception:
                hints[name] = str
        return hints


class _Annotated:
    """An object with one annotation, for evaluating annotations one at a time."""

    def __init__(self, name: str, annotation: Any) -> None:
        self.__annotations__ = {name: annotation}


def _returns(annotation: Any) -> Returns:
    if annotation is None or annotation is type(None):
        return "nothing"
    origin = get_origin(annotation) or annotation
    if isinstance(origin, type) and issubclass(origin, CursorPaginator):
        return "page"
    if annotation in (bytes, str) or (isinstance(origin, type) and issubclass(origin, Download)):
        return "document"
    return "value"


def _params(fn: Callable[..., Any], hints: dict[str, Any]) -> tuple[Param, ...]:
    params: list[Param] = []
    for p in list(inspect.signature(fn).parameters.values())[1:]:  # past self
        kind = arg_type(hints.get(p.name, str))
        has_default = p.default is not inspect.Parameter.empty
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            params.append(Param(p.name, ArgType("json", "object"), False, False, "kwargs"))
        elif p.kind is inspect.Parameter.VAR_POSITIONAL:
            params.append(Param(p.name, kind, True, False, "args"))
        else:
            positional = p.kind is not inspect.Parameter.KEYWORD_ONLY and not has_default
            params.append(
                Param(
                    p.name,
                    kind,
                    positional,
                    required=not has_default,
                    clearable=p.default is NOT_GIVEN and kind.nullable,
                    default=p.default if has_default else None,
                )
            )
    return tuple(params)


def method_specs(namespace: str, cls: type) -> list[CommandSpec]:
    """One spec per public method of a namespace class (aliases folded into one)."""
    by_function: dict[Any, list[str]] = {}
    for name, fn in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith("_"):
            by_function.setdefault(fn, []).append(name)
    specs = []
    for fn, names in by_function.items():
        primary = fn.__name__ if fn.__name__ in names else names[0]
        hints = _hints(fn)
        specs.append(
            CommandSpec(
                namespace=namespace,
                method=primary,
                aliases=tuple(sorted(n for n in names if n != primary)),
                doc=inspect.getdoc(fn) or "",
                params=_params(fn, hints),
                returns=_returns(hints.get("return", Any)),  # unannotated: print whatever comes
            )
        )
    return sorted(specs, key=lambda s: s.method)


def _summary(doc: str) -> str:
    """A docstring's first paragraph, on one line."""
    return " ".join(doc.split("\n\n", 1)[0].split())


def _aliases(name: str, others: tuple[str, ...] = ()) -> list[str]:
    names = [name, *others]
    spelled = [command_name(n) for n in names]
    return [n for n in dict.fromkeys([*names, *spelled]) if n != name]


def _converter(kind: ArgType) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            return parse_value(kind, text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = kind.label  # argparse names it in "invalid <name> value"
    return convert


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a positive integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError("expected a positive integer")
    return value


def _param_help(param: Param) -> str:
    words = [param.kind.label]
    if param.required and not param.positional:
        words.append("required")
    elif param.default not in (None, NOT_GIVEN) and not param.variadic:
        words.append(f"default {param.default}")
    if param.variadic == "kwargs":
        words = ["more keyword arguments, as a JSON object"]
    return "; ".join(words)


def _add_param(parser: argparse.ArgumentParser, param: Param) -> None:
    metavar = param.name.rstrip("_").upper()
    convert = _converter(param.kind)
    help_text = _param_help(param)
    if param.positional:
        nargs: str | None = None
        if param.variadic == "args":
            nargs = "*"
        elif param.kind.kind == "strings":
            nargs = "+"
        parser.add_argument(param.dest, metavar=metavar, nargs=nargs, type=convert, help=help_text)
        return
    if param.kind.kind == "bool":
        parser.add_argument(
            param.flag,
            dest=param.dest,
            action=argparse.BooleanOptionalAction,
            default=argparse.SUPPRESS,
            required=param.required,
            help=help_text,
        )
        return
    parser.add_argument(
        param.flag,
        dest=param.dest,
        metavar=metavar if param.kind.kind != "json" else "JSON",
        type=convert,
        action="append" if param.kind.kind == "strings" else "store",
        default=argparse.SUPPRESS,
        required=param.required,
        help=help_text,
    )


def _free(parser: argparse.ArgumentParser, *flags: str) -> bool:
    """None of ``flags`` is taken yet."""
    return not any(flag in parser._option_string_actions for flag in flags)


def _add_method(
    methods: argparse._SubParsersAction[argparse.ArgumentParser], spec: CommandSpec
) -> None:
    summary = _summary(spec.doc)
    parser = methods.add_parser(
        spec.method,
        aliases=_aliases(spec.method, spec.aliases),
        help=summary,
        description=spec.doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=partial(run_method, spec))
    for param in spec.params:
        if spec.paginated_limit and param.name == "limit":
            continue
        _add_param(parser, param)
    # The command's own options give way to a parameter of the same name, which keeps its flag.
    if spec.returns == "page" and _free(parser, "--limit", "--all"):
        pages = parser.add_mutually_exclusive_group()
        pages.add_argument(
            "--limit",
            dest="page_limit",
            type=_positive,
            metavar="N",
            help=f"print at most N items, over as many pages of up to {MAX_LIMIT} as it takes "
            "(default: the first page)",
        )
        pages.add_argument(
            "--all", dest="page_all", action="store_true", help="print every item of every page"
        )
    if spec.returns == "document" and _free(parser, "-o", "--output"):
        parser.add_argument(
            "-o", "--output", dest="output_path", metavar="FILE", help="write it to FILE"
        )
    clearable = [command_name(p.name) for p in spec.params if p.clearable]
    if clearable and _free(parser, "--unset"):
        parser.add_argument(
            "--unset",
            dest="unset_fields",
            action="append",
            choices=clearable,
            metavar="FIELD",
            default=[],
            help=f"clear this field (send null); repeatable; one of {', '.join(clearable)}",
        )
    add_connection_options(parser)


def add_resource_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    client_cls: type,
    extra: ExtraCommands | None = None,
) -> None:
    """A command per namespace of ``client_cls``, with a subcommand per method; ``extra`` adds
    hand-written subcommands to a namespace (``customers import``)."""
    for name, cls in namespaces(client_cls):
        doc = inspect.getdoc(cls) or ""
        parser = commands.add_parser(
            name,
            aliases=_aliases(name),
            help=_summary(doc),
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        methods = parser.add_subparsers(dest="method", required=True, metavar="METHOD")
        for spec in method_specs(name, cls):
            _add_method(methods, spec)
        for add in (extra or {}).get(name, []):
            add(methods)


def _arguments(spec: CommandSpec, args: argparse.Namespace) -> tuple[list[Any], dict[str, Any]]:
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for param in spec.params:
        if not hasattr(args, param.dest):
            continue
        value = getattr(args, param.dest)
        if param.variadic == "args":
            positional.extend(value)
        elif param.variadic == "kwargs":
            keywords.update(value)
        elif param.positional:
            positional.append(value)
        else:
            keywords[param.name] = value
    for flag in getattr(args, "unset_fields", []):
        param = next(p for p in spec.params if command_name(p.name) == flag)
        if param.name in keywords:
            raise InputError(f"--{flag} was both given and unset")
        keywords[param.name] = None
    return positional, keywords


def _pages(
    spec: CommandSpec,
    method: Callable[..., Any],
    positional: list[Any],
    keywords: dict[str, Any],
    limit: int | None,
    every: bool,
) -> dict[str, Any]:
    """Fetches pages until ``limit`` items (or every item) are in; without either, the first
    page. Each page asks for no more than is still wanted, so ``nextCursor`` continues exactly
    where the printed items end."""
    if not spec.paginated_limit or not spec.has_cursor:
        paginator = method(*positional, **keywords)
        if every:
            return {"data": list(paginator), "hasMore": False, "nextCursor": None}
        first = paginator.data[:limit] if limit is not None else paginator.data
        return {"data": first, "hasMore": paginator.has_more, "nextCursor": paginator.cursor}
    items: list[Any] = []
    cursor = keywords.pop("cursor", None)
    seen: set[str] = set()
    while True:
        size = MAX_LIMIT if every else None
        if limit is not None:
            size = min(MAX_LIMIT, limit - len(items))
        page = method(*positional, **keywords, limit=size, cursor=cursor)
        items.extend(page.data)
        has_more, cursor = page.has_more, page.cursor
        if not has_more or cursor is None or not (every or (limit and len(items) < limit)):
            break
        if cursor in seen:
            raise InvalidResponseError(f"the server repeated the cursor {cursor!r}")
        seen.add(cursor)
    return {"data": items, "hasMore": has_more, "nextCursor": cursor if has_more else None}


def run_method(spec: CommandSpec, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Calls the method with the parsed arguments and prints its answer."""
    positional, keywords = _arguments(spec, args)
    output_path = getattr(args, "output_path", None)
    if output_path is not None:
        check_writable(output_path, "--output")
    with make_client(args) as plug:
        method = getattr(getattr(plug, spec.namespace), spec.method)
        try:
            if spec.returns == "page":
                result: Any = _pages(
                    spec,
                    method,
                    positional,
                    keywords,
                    getattr(args, "page_limit", None),
                    getattr(args, "page_all", False),
                )
            else:
                result = method(*positional, **keywords)
        except (ValueError, TypeError) as exc:
            # The SDK checks arguments before it sends anything: a usage error, not an API one.
            raise InputError(str(exc)) from None
        if spec.returns == "document":
            write_document(result, out, output_path)
        elif spec.returns != "nothing":
            write_json(result, out)  # None too, as null: "not found" for find_by_external_id
    return 0


def iter_commands(client_cls: type) -> Iterator[tuple[str, str]]:
    """Every ``(namespace, method name)`` the client class offers, aliases included."""
    for name, cls in namespaces(client_cls):
        for spec in method_specs(name, cls):
            yield name, spec.method
            for alias in spec.aliases:
                yield name, alias
