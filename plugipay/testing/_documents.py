"""Receipt and invoice documents (SPEC-MONEY §6): a PDF a reader opens, an HTML page, ESC/POS printer bytes.

All three are written by hand from one ``ReceiptDoc``, with no dependency:

- the PDF is version 1.4 with one A4 page, one uncompressed content stream of Helvetica text
  (WinAnsiEncoding; other characters become ``?``), a cross-reference table whose offsets are
  computed from the bytes written, and an Info dictionary, so any PDF library opens it and
  extracts the receipt number and total as text;
- the HTML page escapes every value it shows;
- the ESC/POS bytes start with ESC ``@`` (initialize), print ASCII lines wrapped to the paper's
  width in characters (32 or 48; other characters become ``?``) and end with a full cut
  (GS ``V`` 0).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "ESCPOS_WIDTHS",
    "ReceiptDoc",
    "ReceiptLine",
    "escpos_document",
    "format_money",
    "html_document",
    "pdf_document",
]

ESCPOS_WIDTHS = (32, 48)
"""Characters per line of 58 mm and 80 mm thermal paper."""

_DECIMALS = {"IDR": 0, "USD": 2, "SGD": 2}

ESC_INIT = b"\x1b@"
_BOLD_ON, _BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"
_CENTER, _LEFT = b"\x1ba\x01", b"\x1ba\x00"
CUT = b"\x1dV\x00"


def format_money(amount: int, currency: str) -> str:
    """``IDR 150,000``, ``USD 12.34``: minor units shown in the currency's own way."""
    decimals = _DECIMALS.get(currency, 2)
    sign = "-" if amount < 0 else ""
    whole, minor = divmod(abs(amount), 10**decimals)
    text = f"{whole:,}" + (f".{minor:0{decimals}d}" if decimals else "")
    return f"{currency} {sign}{text}"


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    """One line of what was sold."""

    name: str
    quantity: int
    unit_amount: int


@dataclass(frozen=True, slots=True)
class ReceiptDoc:
    """What every receipt document shows."""

    number: str
    issued_at: str
    """ISO 8601, as the API writes it."""
    business: str
    amount: int
    currency: str
    method: str | None
    source_id: str
    customer: str | None
    lines: Sequence[ReceiptLine]
    title: str = "Receipt"
    """What the document is: ``Receipt``, or ``Invoice`` for an invoice."""

    @property
    def total(self) -> str:
        """The total as shown: ``IDR 150,000``."""
        return format_money(self.amount, self.currency)

    def line_texts(self) -> list[tuple[str, str]]:
        """``(description, amount)`` per line sold; one line for the whole amount without any."""
        if not self.lines:
            return [(f"Payment {self.source_id}", self.total)]
        return [
            (
                f"{line.quantity} x {line.name}",
                format_money(line.quantity * line.unit_amount, self.currency),
            )
            for line in self.lines
        ]


# -- PDF --------------------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding: ``(`` ``)`` and ``\\`` escaped."""
    raw = text.encode("cp1252", errors="replace")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped.replace(b"\r", b" ").replace(b"\n", b" ") + b")"


def pdf_document(doc: ReceiptDoc) -> bytes:
    """The receipt as a one-page PDF with extractable text."""
    rows: list[tuple[int, str]] = [
        (18, doc.business),
        (14, f"{doc.title} {doc.number}"),
        (10, f"Issued {doc.issued_at}"),
    ]
    if doc.customer:
        rows.append((10, f"Billed to {doc.customer}"))
    rows.append((10, ""))
    rows.extend((11, f"{what}    {amount}") for what, amount in doc.line_texts())
    rows.append((10, ""))
    rows.append((14, f"Total {doc.total}"))
    if doc.method:
        rows.append((10, f"Paid by {doc.method}"))
    ops = [b"BT", b"50 790 Td"]
    first = True
    for size, text in rows:
        ops.append(b"/F1 %d Tf" % size)
        if not first:
            ops.append(b"0 -%d Td" % (size + 8))
        first = False
        ops.append(_pdf_text(text) + b" Tj")
    ops.append(b"ET")
    content = b"\n".join(ops) + b"\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Title "
        + _pdf_text(f"{doc.title} {doc.number}")
        + b" /Producer (plugipay.testing) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# -- HTML -------------------------------------------------------------------------------------


def html_document(doc: ReceiptDoc) -> str:
    """The receipt as a standalone HTML page; every value is escaped."""

    def e(text: str) -> str:
        return html.escape(text, quote=True)

    rows = "\n".join(
        f'      <tr><td>{e(what)}</td><td class="amount">{e(amount)}</td></tr>'
        for what, amount in doc.line_texts()
    )
    customer = f"  <p>Billed to {e(doc.customer)}</p>\n" if doc.customer else ""
    method = f"  <p>Paid by {e(doc.method)}</p>\n" if doc.method else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '  <meta charset="utf-8">\n'
        f"  <title>{e(doc.title)} {e(doc.number)}</title>\n"
        "  <style>body{font-family:sans-serif;max-width:32em;margin:2em auto}"
        "td.amount{text-align:right}table{width:100%}</style>\n"
        "</head>\n"
        "<body>\n"
        f"  <h1>{e(doc.business)}</h1>\n"
        f'  <p>{e(doc.title)} <strong class="number">{e(doc.number)}</strong></p>\n'
        f"  <p>Issued {e(doc.issued_at)}</p>\n"
        f"{customer}"
        "  <table>\n"
        f"{rows}\n"
        f'      <tr><th>Total</th><th class="amount total">{e(doc.total)}</th></tr>\n'
        "  </table>\n"
        f"{method}"
        "</body>\n"
        "</html>\n"
    )


# -- ESC/POS ----------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return text.encode("ascii", errors="replace").decode("ascii")


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(_ascii(text), width, break_long_words=True) or [""]


def _two_columns(left: str, right: str, width: int) -> list[str]:
    """``left`` wrapped, ``right`` right-aligned on the last line (or a line of its own)."""
    right = _ascii(right)[:width]
    lines = _wrap(left, width)
    last = lines[-1]
    if len(last) + 1 + len(right) <= width:
        lines[-1] = last + " " * (width - len(last) - len(right)) + right
    else:
        lines.append(right.rjust(width))
    return lines


def escpos_document(doc: ReceiptDoc, width: int) -> bytes:
    """The receipt as ESC/POS bytes for a printer ``width`` characters wide (32 or 48)."""
    if width not in ESCPOS_WIDTHS:
        raise ValueError(f"width must be one of {ESCPOS_WIDTHS}, got {width!r}")

    def text(lines: list[str]) -> bytes:
        return b"".join(line.encode("ascii") + b"\n" for line in lines)

    out = bytearray(ESC_INIT)
    out += _CENTER + _BOLD_ON + text(_wrap(doc.business, width)) + _BOLD_OFF
    out += text(_wrap(f"{doc.title} {doc.number}", width))
    out += text(_wrap(doc.issued_at, width)) + _LEFT
    if doc.customer:
        out += text(_wrap(f"Billed to {doc.customer}", width))
    out += text(["-" * width])
    for what, amount in doc.line_texts():
        out += text(_two_columns(what, amount, width))
    out += text(["-" * width])
    out += _BOLD_ON + text(_two_columns("TOTAL", doc.total, width)) + _BOLD_OFF
    if doc.method:
        out += text(_wrap(f"Paid by {doc.method}", width))
    out += b"\n\n\n" + CUT
    return bytes(out)
