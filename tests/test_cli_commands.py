"""The ``plugipay`` command in-process (``plugipay._cli.app.run``): the generated resource commands
cover every declared method, arguments typed by annotation, pagination, output forms, exit
statuses, secrets hidden, the import's column plan, the progress bar and the event follower."""

from __future__ import annotations

import argparse
import inspect
import io
import json
import socket
import typing
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

import plugipay.errors
from plugipay import NOT_GIVEN, PlugipayClient, webhooks
from plugipay._cli import customer_import, exit_codes, listen
from plugipay._cli.app import build_parser, run
from plugipay._cli.connection import Redactor
from plugipay._cli.exit_codes import InputError
from plugipay._cli.methods import _arguments, _returns, command_name, method_specs
from plugipay._cli.progress import ProgressBar
from plugipay._cli.values import ArgType, arg_type
from plugipay._resource import resource
from plugipay._sync._pagination import CursorPaginator
from plugipay._types import NotGivenOr
from plugipay.testing import DropAfterCommit, FakePlugipay


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class BinaryOut(io.TextIOWrapper):
    """stdout piped to a file: text with a binary buffer underneath."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8")

    def bytes(self) -> bytes:
        self.flush()
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue()


def _cli(*argv: str, out: io.StringIO | None = None) -> tuple[int, str, str]:
    stdout = out if out is not None else io.StringIO()
    stderr = io.StringIO()
    status = run(list(argv), stdout, stderr)
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePlugipay]:
    """An emulator on a loopback port, with the credentials in the environment."""
    fake = FakePlugipay(seed=21)
    with fake.serve() as base_url:
        monkeypatch.setenv("PLUGIPAY_BASE_URL", base_url)
        monkeypatch.setenv("PLUGIPAY_KEY_ID", fake.key_id)
        monkeypatch.setenv("PLUGIPAY_SECRET", fake.secret)
        yield fake


def _choices(parser: argparse.ArgumentParser) -> Mapping[str, argparse.ArgumentParser]:
    [action] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def _declared() -> dict[str, type]:
    """The client's namespaces, found here independently of the command's own discovery."""
    return {
        name: value.load()
        for name, value in vars(PlugipayClient).items()
        if isinstance(value, resource)
    }


# -- every declared method is a command -----------------------------------------------------


def test_every_namespace_and_method_the_client_declares_is_a_command_with_every_parameter() -> None:
    commands = _choices(build_parser())
    declared = _declared()
    assert len(declared) >= 20
    for namespace, cls in declared.items():
        assert namespace in commands, namespace
        methods = _choices(commands[namespace])
        public = {n for n, f in inspect.getmembers(cls, inspect.isfunction) if n[0] != "_"}
        assert public <= set(methods), (namespace, public - set(methods))
        for name in public:
            parser = methods[name]
            fn = getattr(cls, name)
            assert parser.get_default("handler").args[0].method == fn.__name__
            dests = {a.dest for a in parser._actions}
            paginated = _returns(typing.get_type_hints(fn)["return"]) == "page"
            for param in list(inspect.signature(fn).parameters)[1:]:
                if paginated and param == "limit":
                    assert {"page_limit", "page_all"} <= dests
                else:
                    assert f"arg_{param}" in dests, (namespace, name, param)
        if "-" in command_name(namespace):
            assert commands[command_name(namespace)] is commands[namespace]


def test_help_works_at_every_level() -> None:
    assert _cli("--help")[0] == 0
    for namespace, cls in _declared().items():
        status, out, _ = _cli(namespace, "--help")
        assert status == 0 and out.startswith(f"usage: plugipay {namespace} ")
        for spec in method_specs(namespace, cls):
            status, out, err = _cli(namespace, spec.method, "--help")
            assert status == 0 and err == ""
            assert out.startswith(f"usage: plugipay {namespace} {spec.method}")
    for command in ("serve", "demo", "listen", "trigger"):
        assert _cli(command, "--help")[1].startswith(f"usage: plugipay {command}")
    assert _cli("customers", "import", "--help")[1].startswith("usage: plugipay customers import")


class Widgets:
    """A namespace the client doesn't have: how its methods' annotations become arguments."""

    def __init__(self, client: object) -> None:
        self._client = client

    def make(
        self,
        owner_id: str,
        tags: Sequence[str],
        *,
        count: int,
        ratio: float | None = None,
        active: bool | None = None,
        labels: Sequence[str] | None = None,
        attrs: Mapping[str, str] | None = None,
        parts: Sequence[Mapping[str, Any]] | None = None,
        at: datetime | None = None,
        when: datetime | str | None = None,
        size: typing.Literal["s", "m"] = "s",
        from_: str | None = None,
        note: NotGivenOr[str | None] = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> plugipay.Customer:
        """Make a widget."""
        raise AssertionError("never called: only parsed")

    def all(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> CursorPaginator[plugipay.Customer]:
        """Every widget."""
        raise AssertionError("never called: only parsed")

    def extra(self, *, key: str, **fields: Any) -> plugipay.Customer:
        """More keyword arguments."""
        raise AssertionError("never called: only parsed")


class Oddities:
    """Parameters that take the command's own option names, and an annotation that can't be
    evaluated."""

    def __init__(self, client: object) -> None:
        self._client = client

    def pdf(self, doc_id: str, *, output: str | None = None) -> bytes:
        """A document with an ``output`` parameter of its own."""
        raise AssertionError("never called: only parsed")

    def search(
        self, *, all: bool | None = None, limit: int | None = None, cursor: str | None = None
    ) -> CursorPaginator[plugipay.Customer]:
        """A list with an ``all`` parameter."""
        raise AssertionError("never called: only parsed")

    def odd(self, *, thing: NoSuchName | None = None) -> None:  # noqa: F821
        """An annotation naming something that doesn't exist."""
        raise AssertionError("never called: only parsed")


def _widget_parser() -> argparse.ArgumentParser:
    class Client:
        pass

    for name, cls in (("widgets", Widgets), ("oddities", Oddities)):
        declared: resource[Any] = resource(name, cls.__name__)
        declared._factory = cls  # the class itself, rather than one imported from resources/
        setattr(Client, name, declared)
        declared.__set_name__(Client, name)
    return build_parser(Client)


def test_a_new_namespace_appears_with_arguments_typed_by_its_annotations() -> None:
    parser = _widget_parser()
    spec = next(s for s in method_specs("widgets", Widgets) if s.method == "make")
    args = parser.parse_args(
        [
            "widgets",
            "make",
            "own_1",
            "red",
            "blue",
            "--count",
            "3",
            "--ratio",
            "0.5",
            "--no-active",
            "--labels",
            "a",
            "--labels",
            "b",
            "--attrs",
            '{"k": "v"}',
            "--parts",
            '[{"n": 1}]',
            "--at",
            "2026-01-02T03:04:05+00:00",
            "--when",
            "2026-01-02",
            "--size",
            "m",
            "--from",
            "x",
            "--unset",
            "note",
        ]
    )
    positional, keywords = _arguments(spec, args)

    assert positional == ["own_1", ["red", "blue"]]
    assert keywords == {
        "count": 3,
        "ratio": 0.5,
        "active": False,
        "labels": ["a", "b"],
        "attrs": {"k": "v"},
        "parts": [{"n": 1}],
        "at": datetime.fromisoformat("2026-01-02T03:04:05+00:00"),
        "when": "2026-01-02",
        "size": "m",
        "from_": "x",
        "note": None,
    }
    assert _arguments(spec, parser.parse_args(["widgets", "make", "o", "t", "--count", "1"])) == (
        ["o", ["t"]],
        {"count": 1},  # what isn't given isn't passed: the method's defaults stand
    )
    listing = parser.parse_args(["widgets", "all", "--limit", "250"])
    assert (listing.page_limit, listing.page_all) == (250, False)
    extra = next(s for s in method_specs("widgets", Widgets) if s.method == "extra")
    more = parser.parse_args(["widgets", "extra", "--key", "k", "--fields", '{"a": 1}'])
    assert _arguments(extra, more) == ([], {"key": "k", "a": 1})


def test_parameters_keep_their_names_when_they_clash_with_the_commands_options() -> None:
    parser = _widget_parser()
    specs = {s.method: s for s in method_specs("oddities", Oddities)}
    pdf = parser.parse_args(["oddities", "pdf", "d1", "--output", "mine"])
    assert _arguments(specs["pdf"], pdf) == (["d1"], {"output": "mine"})
    assert not hasattr(pdf, "output_path")
    search = parser.parse_args(["oddities", "search", "--all"])
    assert _arguments(specs["search"], search) == ([], {"all": True})
    odd = parser.parse_args(["oddities", "odd", "--thing", "anything"])
    assert _arguments(specs["odd"], odd) == ([], {"thing": "anything"})  # read as text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--count", "x"], "argument --count: expected an integer"),
        (["--count", "1", "--attrs", "[1]"], "argument --attrs: expected a JSON object"),
        (["--count", "1", "--attrs", "{"], "argument --attrs: not valid JSON"),
        (["--count", "1", "--ratio", "nan"], "argument --ratio: expected a finite number"),
        (["--count", "1", "--size", "xl"], "argument --size: expected one of s, m"),
        ([], "the following arguments are required: --count"),
    ],
)
def test_bad_values_are_usage_errors_naming_the_option(argv: list[str], message: str) -> None:
    parser = _widget_parser()
    with pytest.raises(Exception, match="usage: plugipay widgets make") as raised:
        parser.parse_args(["widgets", "make", "o", "t", *argv])
    assert message in str(raised.value)
    assert ", got" not in str(raised.value)  # the value itself is never repeated


def test_both_setting_and_unsetting_a_field_is_refused() -> None:
    parser = _widget_parser()
    spec = next(s for s in method_specs("widgets", Widgets) if s.method == "make")
    args = parser.parse_args(["widgets", "make", "o", "t", "--count", "1"])
    args.arg_note, args.unset_fields = "x", ["note"]
    with pytest.raises(InputError, match="--note was both given and unset"):
        _arguments(spec, args)


def test_annotations_map_to_argument_kinds() -> None:
    assert arg_type(NotGivenOr[Mapping[str, bool] | None]) == ArgType("json", "object", None, True)
    assert arg_type(str | Sequence[str] | None).kind == "strings"
    assert arg_type(int | float).kind == "float"
    assert arg_type(bool).kind == "bool"
    assert arg_type(Sequence[plugipay.LineItem | Mapping[str, Any]]) == ArgType("json", "array")
    assert arg_type(plugipay.PortalFeatures).kind == "json"
    assert arg_type(object).kind == "text"  # unknown: passed as text for the SDK to judge


# -- running methods against the emulator ----------------------------------------------------


def test_list_limit_walks_pages_and_stops_exactly_at_the_limit(served: FakePlugipay) -> None:
    with served.client() as plug:
        ids = [c.id for c in (plug.customers.create(name=f"c{i}") for i in range(230))][::-1]
    served.requests.clear()

    status, out, err = _cli("customers", "list", "--limit", "150")
    page = json.loads(out)
    assert (status, err) == (0, "")
    assert [c["id"] for c in page["data"]] == ids[:150]
    assert page["hasMore"] is True
    assert [r.query for r in served.requests] == ["limit=100", f"limit=50&cursor={_cursor(served)}"]
    rest = json.loads(_cli("customers", "list", "--all", "--cursor", page["nextCursor"])[1])
    assert [c["id"] for c in rest["data"]] == ids[150:]
    assert (rest["hasMore"], rest["nextCursor"]) == (False, None)
    everything = json.loads(_cli("customers", "list", "--all", "--order", "asc")[1])
    assert [c["id"] for c in everything["data"]] == ids[::-1]
    first = json.loads(_cli("customers", "list")[1])
    assert len(first["data"]) == 20  # the server's default page


def _cursor(fake: FakePlugipay) -> str:
    return fake.requests[-1].query.split("cursor=")[1]


def test_output_is_indented_on_a_terminal(served: FakePlugipay) -> None:
    with served.client() as plug:
        plug.customers.create(email="ada@example.com", metadata={"tier": "gold"})
    out = Terminal()

    status, text, _ = _cli("customers", "list", "--limit", "1", out=out)

    assert status == 0
    page = json.loads(text)
    assert text == json.dumps(page, indent=2, ensure_ascii=False) + "\n"
    assert page["data"] == [served.customers[0]]


def test_values_none_tuples_and_deletes_print_as_their_json(served: FakePlugipay) -> None:
    status, out, _ = _cli("customers", "find-by-external-id", "nobody")
    assert (status, out) == (0, "null\n")
    status, out, _ = _cli(
        "customers", "get-or-create", "--external-id", "x-1", "--fields", '{"email": "a@b.co"}'
    )
    customer, created = json.loads(out)
    assert (status, created, customer["email"], customer["externalId"]) == (
        0,
        True,
        "a@b.co",
        "x-1",
    )
    made = json.loads(_cli("webhook_endpoints", "create", "--url", "https://app.example/h")[1])
    assert _cli("webhook-endpoints", "delete", made["id"]) == (0, "", "")
    assert _cli("customers", "update", customer["id"], "--unset", "email")[0] == 0
    assert served.customers[0]["email"] is None


def test_documents_go_to_output_or_stdout_but_never_binary_to_a_terminal(
    served: FakePlugipay, tmp_path: Path
) -> None:
    with served.client() as plug:
        session = plug.checkout_sessions.create(
            amount=50_000,
            currency="IDR",
            methods=["qris"],
            success_url="https://shop.example/ok",
            cancel_url="https://shop.example/no",
        )
        served.pay_checkout_session(session.id)
        pdf = plug.checkout_sessions.receipt_pdf(session.id)
    assert pdf.startswith(b"%PDF-")

    target = tmp_path / "receipt.pdf"
    assert _cli("checkout_sessions", "receipt-pdf", session.id, "-o", str(target))[0] == 0
    assert target.read_bytes() == pdf
    piped = BinaryOut()
    assert run(["checkout_sessions", "receipt-pdf", session.id], piped, io.StringIO()) == 0
    assert piped.bytes() == pdf
    status, out, err = _cli("checkout_sessions", "receipt-pdf", session.id, out=Terminal())
    assert (status, out) == (2, "")
    assert err == (
        "plugipay: invalid input: not writing a binary document to a terminal: pass --output "
        "FILE or redirect stdout\n"
    )
    streamed = BinaryOut()
    assert run(["reports", "ledger-csv"], streamed, io.StringIO()) == 0
    assert streamed.bytes().startswith(b"id,txId,postedAt,code,direction,amount,")
    html = _cli("checkout_sessions", "receipt-html", session.id, out=Terminal())
    assert html[0] == 0 and html[1].lstrip().lower().startswith("<!doctype html")


def test_trigger_of_an_unknown_type_is_the_servers_validation_error(served: FakePlugipay) -> None:
    status, out, err = _cli("trigger", "no.such.event")
    assert (status, out) == (10, "")
    assert err.startswith("plugipay: error validation_error: ")
    assert "(status 400, request_id req_" in err and err.count("\n") == 1


def test_options_before_the_command_and_after_it_both_count(served: FakePlugipay) -> None:
    wrong = "sk_test_wrong_for_this_workspace"
    assert _cli("--secret", wrong, "customers", "list")[0] == 11
    assert _cli("customers", "list", "--secret", wrong)[0] == 11
    assert _cli("--secret", wrong, "customers", "list", "--secret", served.secret)[0] == 0


# -- errors, exit statuses and secrets -------------------------------------------------------


def test_each_error_class_has_its_own_exit_status_listed_in_the_help() -> None:
    classes = {
        name: cls
        for name, cls in vars(plugipay.errors).items()
        if isinstance(cls, type) and issubclass(cls, plugipay.errors.PlugipayError)
    }
    codes = {name: exit_codes.exit_code_for(cls("x")) for name, cls in classes.items()}
    assert codes == {
        "BadRequestError": 10,
        "AuthenticationError": 11,
        "PermissionDeniedError": 12,
        # A refinement of its status's class keeps that class's exit status.
        "PersonOnlyError": 12,
        "NotFoundError": 13,
        "ConflictError": 14,
        "GoneError": 15,
        "UnprocessableEntityError": 16,
        "RateLimitError": 17,
        "InternalServerError": 18,
        "PlugipayNetworkError": 19,
        "PlugipayTimeoutError": 20,
        "InvalidResponseError": 21,
        # Errors no command meets as an answer (a closed client, the wrong event loop, a
        # webhook's signature) share the catch-all.
        "PlugipayError": 22,
        "ClientClosedError": 22,
        "EventLoopError": 22,
        "PlugipaySignatureError": 22,
    }
    help_text = _cli("--help")[1]
    listed = [int(line.split()[0]) for line in help_text.split("exit status:\n")[1].splitlines()]
    assert listed == [code for code, _ in exit_codes.TABLE]
    assert set(codes.values()) | {0, 1, 2, 3, 4, 5, 130, 141} == set(listed)


def test_error_line_names_code_status_request_id_and_the_key_to_retry_with() -> None:
    error = plugipay.errors.InternalServerError(
        "Upstream\nfailed",
        status=503,
        code="upstream_error",
        request_id="req_1",
        idempotency_key="k-1",
    )
    assert exit_codes.error_line(error) == (
        "plugipay: error upstream_error: Upstream failed "
        "(status 503, request_id req_1, idempotency_key k-1)"
    )


def test_secrets_given_to_the_command_never_appear_in_what_it_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLUGIPAY_API_KEY", "pk_dashboard_secret")
    status, out, err = _cli(
        "customers", "list", "--limit", "sk_test_abcdef", "--secret=sk_test_abcdef"
    )
    assert status == 2
    assert "sk_test_abcdef" not in err + out
    assert err.endswith("argument --limit: expected a positive integer\n")
    status, _, err = _cli("--order", "pk_dashboard_secret")
    assert status == 2 and "pk_dashboard_secret" not in err
    redact = Redactor(["abc", "sk_live_0123456789", "sk_live_01"])
    assert redact("abc sk_live_0123456789 sk_live_01") == "abc <hidden> <hidden>"


def test_missing_credentials_are_a_configuration_error_sending_nothing() -> None:
    status, out, err = _cli("customers", "list", "--base-url", "http://127.0.0.1:9")
    assert (status, out) == (3, "")
    assert err.startswith("plugipay: configuration: key_id is required")
    status, _, err = _cli(
        "customers",
        "list",
        "--key-id",
        "ak",
        "--secret",
        "sk_s3cret_x",
        "--base-url",
        "http://x.example",
    )
    assert status == 3 and "must use https" in err and "sk_s3cret_x" not in err


# -- customers import: the column plan --------------------------------------------------------


FIELDS = customer_import.create_fields()


def test_import_fields_are_the_create_arguments() -> None:
    assert set(FIELDS) == {
        "email",
        "name",
        "phone",
        "external_id",
        "tax_id",
        "default_payment_token_id",
        "metadata",
    }


@pytest.mark.parametrize("spelling", ["external_id", "External ID", "externalId", "external-id"])
def test_headers_are_matched_in_any_usual_spelling(spelling: str) -> None:
    plan = customer_import.plan_columns(
        [spelling, "E-Mail", "metadata.Plan"], [("E-Mail", "email")], FIELDS
    )
    assert plan == {
        spelling: ("external_id", None),
        "E-Mail": ("email", None),
        "metadata.Plan": ("metadata", "Plan"),
    }


@pytest.mark.parametrize(
    ("header", "mapping", "message"),
    [
        (["external_id", "colour"], [], "columns that match no customer field: colour"),
        (["external_id"], [("shade", "name")], "--map names columns the file lacks: shade"),
        (
            ["external_id", "a", "b"],
            [("a", "name"), ("b", "name")],
            "columns that fill the same field: a, b",
        ),
        (["email"], [], "no external_id column"),
        (["external_id", "x"], [("x", "nickname")], "columns that match no customer field: x"),
        (["external_id", "email.x"], [], "columns that match no customer field: email.x"),
    ],
)
def test_a_file_whose_columns_dont_fit_is_refused_before_sending(
    header: list[str], mapping: list[tuple[str, str]], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        customer_import.plan_columns(header, mapping, FIELDS)


def test_rows_read_with_their_lines_values_and_problems(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(
        "\ufeffexternal_id,email,metadata,metadata.b,ignored\n"
        'a,a@x.co,"{""a"": ""1""}",2,z\n'
        'b,"multi\nline@x.co",{,,\n'
        "c,c@x.co,,,,extra\n"
        "a,again@x.co,,,\n",
        encoding="utf-8",
    )
    rows = customer_import.read_rows(str(path), [("ignored", "")], FIELDS)
    assert [(r.line, r.external_id, r.fields) for r in rows] == [
        (2, "a", {"email": "a@x.co", "metadata": {"a": "1", "b": "2"}}),
        (4, "b", {"email": "multi\nline@x.co"}),  # a record ends on the line after a newline
        (5, "c", {"email": "c@x.co"}),
        (6, "a", {"email": "again@x.co"}),
    ]
    errors = [r.error for r in rows]
    assert errors[0] is None
    assert errors[1] is not None and errors[1][0] == "invalid_value"
    assert errors[1][1].startswith("column 'metadata': not valid JSON")
    assert errors[2] == ("too_many_cells", "the row has more cells than the header has columns")
    assert errors[3] == ("duplicate_external_id", "external_id 'a' is also on line 2")


def test_an_unreadable_file_is_an_io_error_and_one_not_utf8_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    status, _, err = _cli("customers", "import", str(missing))
    assert (status, err) == (
        5,
        f"plugipay: I/O error: can't read {missing}: No such file or directory\n",
    )
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"external_id,name\nx,Jos\xe9\n")
    assert (
        _cli("customers", "import", str(latin))[2]
        == f"plugipay: invalid input: {latin} is not UTF-8 text\n"
    )


def test_import_draws_a_bar_on_a_terminal_and_counts_existing_customers(
    served: FakePlugipay, tmp_path: Path
) -> None:
    with served.client() as plug:
        plug.customers.create(external_id="known", email="first@x.co")
    path = tmp_path / "c.csv"
    path.write_text("external_id,email\nknown,second@x.co\nnew,new@x.co\n", encoding="utf-8")
    stderr = Terminal()

    status = run(["customers", "import", str(path), "--concurrency", "1"], io.StringIO(), stderr)

    assert status == 0
    bar = ProgressBar(io.StringIO(), "customers import", terminal=True)
    assert stderr.getvalue().split("\n")[0] == ("\r" + bar.line(1, 0, 2) + "\r" + bar.line(2, 0, 2))
    assert "(1 created, 1 existing, 0 resumed); 0 failed\n" in stderr.getvalue()
    assert sorted((c["externalId"], c["email"]) for c in served.customers) == [
        ("known", "first@x.co"),  # found by its external_id, left as it was
        ("new", "new@x.co"),
    ]
    assert not (tmp_path / "c.failures.csv").exists()


def test_import_with_bad_credentials_stops_at_the_first_call(
    served: FakePlugipay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLUGIPAY_SECRET", "sk_test_wrong_secret")
    path = tmp_path / "c.csv"
    path.write_text("external_id\n" + "".join(f"r{i}\n" for i in range(50)), encoding="utf-8")
    served.requests.clear()
    status, out, err = _cli("customers", "import", str(path))
    assert (status, out) == (11, "")
    assert err.startswith("plugipay: error bad_signature: ") and err.count("\n") == 1
    assert len(served.requests) == 1


# -- the progress bar -------------------------------------------------------------------------


def test_the_bar_redraws_only_when_it_changes_and_ends_its_line() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, "job", terminal=True)
    for done in range(1, 4001):
        bar(done, done // 2000, 4000)
    text = out.getvalue()
    assert text.count("\r") == 1000 + 1  # a redraw per thousandth, and one for the new failure
    assert text.endswith("\r" + bar.line(4000, 2, 4000) + "\n")
    assert bar.line(1, 0, 4) == "job [#######-----------------------] 1/4  25%  0 failed"


def test_off_a_terminal_the_bar_is_a_line_per_tenth() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, "job", terminal=False)
    for done in range(1, 21):
        bar(done, 0, 20)
    assert out.getvalue().splitlines() == [f"job: {n}/20 done, 0 failed" for n in range(2, 21, 2)]


def test_an_interrupted_bar_is_closed_with_a_newline() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, "job", terminal=True)
    bar(1, 0, 3)
    bar.close()
    bar.close()
    assert out.getvalue() == "\r" + bar.line(1, 0, 3) + "\n"


# -- listen: following events ------------------------------------------------------------------


def test_the_follower_starts_from_now_and_returns_each_new_event_once_oldest_first() -> None:
    fake = FakePlugipay(seed=5)
    with fake.client() as plug:
        plug.customers.create(name="before")
        follower = listen.Follower(plug.events)
        follower.prime()
        assert follower.poll() == []
        # More than a polling page (listen.POLL_PAGE): the poll walks pages back to the last seen.
        made = [plug.customers.create(name=f"after {i}").id for i in range(45)]
        new = follower.poll()
        assert [e.data["object"]["id"] for e in new if e.data] == made
        assert follower.poll() == []
        assert follower.overflowed is False


def test_the_follower_reports_more_new_events_than_one_poll_forwards(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(listen, "MAX_NEW_PER_POLL", 2)
    fake = FakePlugipay(seed=6)
    with fake.client() as plug:
        follower = listen.Follower(plug.events)
        follower.prime()
        made = [plug.customers.create(name=f"c{i}").id for i in range(5)]
        new = follower.poll()
        assert [e.data["object"]["id"] for e in new if e.data] == made[-2:]
        assert follower.overflowed is True
        assert follower.poll() == [] and follower.overflowed is False


def test_a_forwarded_body_is_the_envelope_the_emulator_delivers() -> None:
    fake = FakePlugipay(seed=7)
    delivered: list[bytes] = []
    fake.add_webhook(lambda body, headers: delivered.append(body))
    with fake.client() as plug:
        plug.customers.create(email="ada@example.com")
        [record] = [e for e in plug.events.list() if e.type == "plugipay.customer.created.v1"]
    [body] = delivered
    expected = json.loads(body)
    del expected["workspaceId"]  # the events API doesn't say which workspace; accountId does
    assert json.loads(listen.delivery_body(record)) == expected
    signed = listen.delivery_body(record)
    assert webhooks.verify(signed, webhooks.sign(signed, "whsec_x"), "whsec_x").id == record.id


def test_a_delivery_the_app_cant_take_is_reported_not_raised() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake = FakePlugipay(seed=8)
    with fake.client() as plug:
        plug.customers.create(name="x")
        record = plug.events.list(limit=1).data[0]
    with httpx.Client(trust_env=False, timeout=5) as http:
        outcome = listen._forward(http, f"http://127.0.0.1:{port}/h", "whsec_x", record)
    assert outcome.startswith("failed: ConnectError")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--forward-to", "ftp://x"],
            "argument --forward-to: expected an http(s) URL with a host\n",
        ),
        (["--forward-to", "http://x/\n"], "--forward-to"),
        (["--forward-to", "http://x", "--interval", "0"], "expected 0.05 to 60 seconds"),
        ([], "the following arguments are required: --forward-to"),
    ],
)
def test_listen_refuses_bad_options(argv: list[str], message: str) -> None:
    status, _, err = _cli("listen", *argv)
    assert status == 2 and message in err


def test_readme_lists_the_same_exit_statuses() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Errors and exit status\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")]
    assert [int(code) for code in rows[1:]] == [code for code, _ in exit_codes.TABLE]


# -- usage errors name options, never the values given -----------------------------------------

SECRET = "sk_live_TOPSECRET_value_42"
PAYPAL = ["adapters", "configure-paypal"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            [*PAYPAL, "--client-id", "AXY", "--secret", "PP_x", "--secret-key", SECRET],
            "plugipay: error: unrecognized arguments: --secret-key (1 value not shown)\n",
        ),
        (
            ["customers", "list", "--secret-k=" + SECRET, "--limitt", "2"],
            "plugipay: error: unrecognized arguments: --secret-k, --limitt (2 values not shown)\n",
        ),
        (
            ["--secrt", SECRET, "customers", "list"],
            "plugipay: error: argument COMMAND: invalid choice (choose from ",
        ),
        (
            ["customers", "list", "--limit", SECRET],
            "plugipay customers list: error: argument --limit: expected a positive integer\n",
        ),
        (
            ["checkout_sessions", "create", "--amount", SECRET],
            "plugipay checkout_sessions create: error: argument --amount: expected an integer\n",
        ),
        (
            ["--timeout", SECRET, "customers", "list"],
            "plugipay: error: argument --timeout: invalid float value\n",
        ),
        (
            ["customers", "list", "--all=" + SECRET],
            "plugipay customers list: error: argument --all: takes no value\n",
        ),
        (
            [*PAYPAL, "--m=" + SECRET],
            "plugipay adapters configure_paypal: error: ambiguous option: --m could match "
            "--mode, --max-retries\n",
        ),
        (
            ["customers", "update", "cus_1", "--unset", SECRET],
            "plugipay customers update: error: argument --unset: invalid choice (choose from ",
        ),
        (
            ["customers", "import", "x.csv", "--concurrency", "6400000"],
            "error: argument --concurrency: expected 1 to 64\n",
        ),
        (
            ["listen", "--forward-to", "ftp://" + SECRET],
            "error: argument --forward-to: expected an http(s) URL with a host\n",
        ),
    ],
    ids=[
        "unrecognized",
        "unrecognized-with-equals",
        "invalid-command",
        "converter",
        "typed",
        "plain-type",
        "flag-with-value",
        "ambiguous",
        "argparse-choices",
        "range",
        "url",
    ],
)
def test_usage_errors_name_the_options_but_never_echo_a_value(
    argv: list[str], expected: str
) -> None:
    status, out, err = _cli(*argv)
    assert (status, out) == (2, "")
    assert SECRET not in err and "6400000" not in err
    assert expected in err
    assert err.startswith("usage: plugipay")


def test_values_after_options_named_secret_key_or_token_are_hidden_abbreviated_or_not() -> None:
    redact = Redactor.from_command(
        [
            "--secr",
            "sk_live_aaaaaa1",
            "--webhook-token=tok_bbbbbb2",
            "--api-k",
            "pk_cccccc3",
            "--x-secret-key=ddddddd4",
            "--name",
            "Ada Lovelace",
            "--",
            "positional",
        ],
        {},
        known=["--secret", "--api-key", "--client-id"],
    )
    assert redact("sk_live_aaaaaa1 tok_bbbbbb2 pk_cccccc3 ddddddd4 Ada Lovelace positional") == (
        "<hidden> <hidden> <hidden> <hidden> Ada Lovelace positional"
    )
    # The command's own tree supplies the options an abbreviation may stand for.
    status, _, err = _cli(
        "customers", "list", "--secret-k", "sk_live_in_the_wrong_place", "--limit", "0"
    )
    assert status == 2 and "sk_live_in_the_wrong_place" not in err


# -- customers import: keys, replays, files -------------------------------------------------------


def _import(path: Path, *more: str) -> tuple[int, dict[str, Any], str]:
    status, out, err = _cli("customers", "import", str(path), "--concurrency", "1", *more)
    return status, json.loads(out) if out else {}, err


def test_a_row_corrected_after_it_failed_is_a_new_request_and_a_changed_one_meets_the_existing(
    served: FakePlugipay, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("external_id,email\nr1,not-an-email\nr2,b@x.co\n", encoding="utf-8")
    status, summary, _ = _import(path)
    assert (status, summary["created"], summary["failed"]) == (4, 1, 1)

    path.write_text("external_id,email\nr1,a@x.co\nr2,b@x.co\n", encoding="utf-8")
    status, summary, err = _import(path)
    assert status == 0, err
    assert (summary["created"], summary["existing"], summary["failed"]) == (1, 1, 0)

    path.write_text("external_id,email\nr1,a@x.co\nr2,changed@x.co\n", encoding="utf-8")
    status, summary, err = _import(path)
    assert status == 0, err
    assert (summary["created"], summary["existing"], summary["failed"]) == (0, 2, 0)
    assert sorted((c["externalId"], c["email"]) for c in served.customers) == [
        ("r1", "a@x.co"),
        ("r2", "b@x.co"),  # an existing customer is left as it is
    ]
    fields = {"email": "a@x.co"}
    assert customer_import.idempotency_key("r1", None, fields) != customer_import.idempotency_key(
        "r1", None, {"email": "not-an-email"}
    )
    assert customer_import.idempotency_key("r1", None, fields) == customer_import.idempotency_key(
        "r1", None, {"email": "a@x.co"}
    )
    assert customer_import.idempotency_key("r1", None, fields) != customer_import.idempotency_key(
        "r1", "acct_other", fields
    )


def test_a_rerun_counts_the_customers_an_earlier_run_created_as_existing(
    served: FakePlugipay, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("external_id,email\nr1,a@x.co\nr2,b@x.co\n", encoding="utf-8")
    first = _import(path)
    served.requests.clear()
    again = _import(path)

    assert first[1]["created"] == 2 and first[1]["existing"] == 0
    assert again[0] == 0
    assert (again[1]["created"], again[1]["existing"]) == (0, 2)
    assert "(0 created, 2 existing, 0 resumed); 0 failed\n" in again[2]
    assert len(served.customers) == 2
    posts = [r for r in served.requests if r.method == "POST"]
    assert len(posts) == 2  # the creates were sent again, and replayed


def test_a_create_whose_answer_was_lost_then_replayed_counts_as_created(
    served: FakePlugipay, tmp_path: Path
) -> None:
    served.faults.add(DropAfterCommit(method="POST", path="/api/v1/customers", times=1))
    path = tmp_path / "c.csv"
    path.write_text("external_id,email\nr1,a@x.co\n", encoding="utf-8")

    status, summary, err = _import(path)

    assert status == 0, err
    assert (summary["created"], summary["existing"]) == (1, 0)
    posts = [r for r in served.requests if r.method == "POST"]
    assert len(posts) == 2 and len(served.customers) == 1  # the retry was replayed


def test_files_that_cant_be_read_or_written_are_io_errors_and_nothing_is_sent(
    served: FakePlugipay, tmp_path: Path
) -> None:
    missing = tmp_path / "nonexist.png"
    status, out, err = _cli("uploads", "image", str(missing))
    assert (status, out) == (5, "")
    assert err == f"plugipay: I/O error: {missing}: No such file or directory\n"

    nowhere = tmp_path / "no-such-dir" / "x.pdf"
    status, out, err = _cli("invoices", "pdf", "inv_x", "--output", str(nowhere))
    assert (status, out) == (5, "")
    assert (
        err == f"plugipay: I/O error: can't write --output {nowhere}: No such file or directory\n"
    )
    status, _, err = _cli("invoices", "pdf", "inv_x", "--output", str(tmp_path))
    assert status == 5 and err == f"plugipay: I/O error: --output {tmp_path} is a directory\n"

    rows = tmp_path / "c.csv"
    rows.write_text("external_id,email\nr1,a@x.co\n", encoding="utf-8")
    status, out, err = _cli("customers", "import", str(rows), "--failures", str(nowhere))
    assert (status, out) == (5, "")
    assert err.startswith(f"plugipay: I/O error: can't write --failures {nowhere}: ")
    status, _, err = _cli("customers", "import", str(rows), "--journal", str(tmp_path))
    assert status == 5 and err == f"plugipay: I/O error: --journal {tmp_path} is a directory\n"
    assert served.requests == [] and served.customers == []
    assert not nowhere.parent.exists()
    status, _, err = _cli("customers", "import", str(tmp_path / "none.csv"))
    assert status == 5 and err.startswith("plugipay: I/O error: can't read ")


def test_a_finished_import_prints_its_summary_even_when_its_failures_cant_be_written(
    served: FakePlugipay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(path: str, failures: object) -> None:
        raise OSError(28, "No space left on device", path)

    monkeypatch.setattr(customer_import, "write_failures", disk_full)
    path = tmp_path / "c.csv"
    path.write_text("external_id,email\nr1,a@x.co\nr2,not-an-email\n", encoding="utf-8")

    status, summary, err = _import(path)

    assert status == 5
    assert summary == {
        "rows": 2,
        "created": 1,
        "existing": 0,
        "resumed": 0,
        "failed": 1,
        "failuresFile": None,
    }
    lines = err.splitlines()
    failures_path = str(tmp_path / "c.failures.csv")
    assert lines[-2] == (
        f"plugipay: I/O error: can't write --failures {failures_path}: No space left on device; "
        "the failed rows follow as JSON lines"
    )
    failure = json.loads(lines[-1])
    assert (failure["line"], failure["external_id"], failure["code"]) == (
        3,
        "r2",
        "validation_error",
    )


# -- the client's mode, and values read from files ---------------------------------------------


def test_api_mode_is_sent_as_x_plugipay_mode_and_leaves_a_methods_own_mode_alone(
    served: FakePlugipay,
) -> None:
    assert _cli("--api-mode", "test", "customers", "list", "--limit", "1")[0] == 0
    assert served.requests[-1].headers["x-plugipay-mode"] == "test"
    status, _, err = _cli("customers", "list", "--api-mode", "live")
    assert status == 12, err  # a test key may not act in live mode: the header went out
    assert served.requests[-1].headers["x-plugipay-mode"] == "live"
    assert _cli("customers", "list", "--limit", "1")[0] == 0
    assert "x-plugipay-mode" not in served.requests[-1].headers
    parsed = build_parser().parse_args(
        [*PAYPAL, "--client-id", "a", "--secret", "b", "--mode", "sandbox", "--api-mode", "live"]
    )
    assert (parsed.arg_mode, parsed.conn_mode) == ("sandbox", "live")
    status, _, err = _cli("--api-mode", "prod", "customers", "list")
    assert status == 2 and "argument --api-mode: expected live or test\n" in err


def test_option_values_can_be_read_from_a_file_or_stdin(
    served: FakePlugipay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "email").write_text("ada@example.com\n", encoding="utf-8")
    (tmp_path / "meta.json").write_text('{"plan": "gold"}', encoding="utf-8")
    (tmp_path / "secret").write_text(served.secret + "\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("Ada Lovelace\r\n"))
    monkeypatch.delenv("PLUGIPAY_SECRET")

    status, out, err = _cli(
        "customers",
        "create",
        "--email",
        f"@{tmp_path / 'email'}",
        "--name",
        "@-",
        "--metadata",
        f"@{tmp_path / 'meta.json'}",
        "--external-id",
        "@@ada",
        "--secret",
        f"@{tmp_path / 'secret'}",
    )

    assert status == 0, err
    made = json.loads(out)
    assert (made["email"], made["name"], made["metadata"], made["externalId"]) == (
        "ada@example.com",
        "Ada Lovelace",  # one trailing newline dropped, \r\n or \n
        {"plan": "gold"},
        "@ada",  # @@ is a literal @
    )


def test_option_values_from_files_are_refused_clearly_and_hidden_in_errors(
    served: FakePlugipay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("x\n"))
    status, _, err = _cli("customers", "create", "--name", "@-", "--email", "@-")
    assert status == 2
    assert err.endswith("argument --email: standard input (@-) can be read by one option only\n")
    status, _, err = _cli("customers", "create", "--name", "@")
    assert status == 2
    assert err.endswith("argument --name: @ must be followed by a file's path, or - for stdin\n")
    missing = tmp_path / "none"
    status, _, err = _cli("customers", "create", "--name", f"@{missing}")
    assert (status, err) == (
        5,
        f"plugipay: I/O error: --name: can't read {missing}: No such file or directory\n",
    )
    big = tmp_path / "big"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    status, _, err = _cli("customers", "create", "--name", f"@{big}")
    assert status == 2 and err.endswith("argument --name: the file is larger than 1 MiB\n")
    latin = tmp_path / "latin"
    latin.write_bytes(b"Jos\xe9")
    status, _, err = _cli("customers", "create", "--name", f"@{latin}")
    assert status == 2 and err.endswith("argument --name: the file is not UTF-8 text\n")

    # A secret read from a file is hidden even where the SDK's own message would quote it.
    (tmp_path / "currency").write_text("sk_live_in_the_wrong_file\n", encoding="utf-8")
    status, _, err = _cli(
        "checkout_sessions",
        "create",
        "--amount",
        "100",
        "--currency",
        f"@{tmp_path / 'currency'}",
        "--methods",
        "qris",
        "--success-url",
        "https://a.example/ok",
        "--cancel-url",
        "https://a.example/no",
    )
    assert status == 2 and err.startswith("plugipay: invalid input: currency ")
    assert "sk_live_in_the_wrong_file" not in err and "<hidden>" in err
    assert served.requests == []
