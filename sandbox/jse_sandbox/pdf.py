"""The PDFs of the sandbox: a signed copy derived from the uploaded one.

The signed copy keeps every page of the original, stamps a visible signature
mark per signer where its signature field is, and carries a PDF signature
dictionary (``/Type /Sig``) in an AcroForm signature field, as a document
signed on jesignexpert.com does.  The signature value itself is a stand-in:
the sandbox is no trust provider.
"""

import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from .vocabulary import SIGN_FIELD_HEIGHT as MARK_HEIGHT
from .vocabulary import SIGN_FIELD_WIDTH as MARK_WIDTH


def _pdf_text(text):
    """Latin-1 text for a PDF string with the standard Helvetica encoding."""
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _when(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%d/%m/%Y %H:%M UTC")


def sign_pdf(original, marks, certificate_page=False):
    """Returns the signed copy of ``original`` (bytes).

    ``marks``: list of dicts {name, email, signed_at (ms), page (1-based or -1),
    x, y (points from the top-left corner)}.  ``certificate_page`` appends a
    page, as a trust provider may do with its certificate.
    """
    reader = PdfReader(io.BytesIO(original))
    writer = PdfWriter(clone_from=reader)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    fields = ArrayObject()
    count = len(writer.pages)
    stamps = {}  # page index -> content stream operators
    for index, mark in enumerate(marks, start=1):
        page_no = mark.get("page") or -1
        page_index = count - 1 if page_no == -1 else max(0, min(count, page_no) - 1)
        page = writer.pages[page_index]
        height = float(page.mediabox.height)
        left = float(mark.get("x") or 40)
        top = float(mark.get("y") or 40)
        bottom = height - top - MARK_HEIGHT
        lines = [
            f"Signé électroniquement par {mark['name']}",
            f"le {_when(mark['signed_at'])}",
            "via jesignexpert.com (sandbox)",
        ]
        ops = stamps.setdefault(page_index, [])
        ops += [
            "q 0 0.35 0.6 RG 1 w",
            f"{left:.2f} {bottom:.2f} {MARK_WIDTH} {MARK_HEIGHT} re S",
            "BT 0 0.35 0.6 rg /JseSig 7.5 Tf",
        ]
        for n, line in enumerate(lines):
            ops.append(f"1 0 0 1 {left + 4:.2f} {bottom + MARK_HEIGHT - 11 - n * 11:.2f} Tm ({_pdf_text(line)}) Tj")
        ops.append("ET Q")
        fields.append(_signature_field(writer, page, index, mark, (left, bottom)))
    for page_index, ops in stamps.items():
        page = writer.pages[page_index]
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        fonts = resources.get("/Font")
        fonts = fonts.get_object() if fonts is not None else DictionaryObject()
        fonts[NameObject("/JseSig")] = font_ref
        resources[NameObject("/Font")] = fonts
        page[NameObject("/Resources")] = resources
        contents = page.get_contents()
        stream = DecodedStreamObject()
        stream.set_data((contents.get_data() if contents else b"") + b"\n" + "\n".join(ops).encode("latin-1"))
        page.replace_contents(stream)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): fields, NameObject("/SigFlags"): NumberObject(3)}
    )
    if certificate_page:
        last = writer.pages[-1]
        writer.add_blank_page(float(last.mediabox.width), float(last.mediabox.height))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _signature_field(writer, page, index, mark, origin):
    """A signature field whose value is a ``/Type /Sig`` dictionary."""
    left, bottom = origin
    sig = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Sig"),
            NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
            NameObject("/SubFilter"): NameObject("/adbe.pkcs7.detached"),
            NameObject("/Name"): TextStringObject(mark["name"]),
            NameObject("/Reason"): TextStringObject("Signature électronique jesignexpert.com (sandbox)"),
            NameObject("/M"): TextStringObject(
                datetime.fromtimestamp(mark["signed_at"] / 1000, tz=timezone.utc).strftime("D:%Y%m%d%H%M%SZ")
            ),
            NameObject("/ByteRange"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/Contents"): ByteStringObject(
                hashlib.sha256(f"{mark['email']}|{mark['signed_at']}".encode()).digest()
            ),
        }
    )
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject(f"Signature{index}"),
            NameObject("/V"): writer._add_object(sig),
            NameObject("/F"): NumberObject(132),
            NameObject("/P"): page.indirect_reference,
            NameObject("/Rect"): ArrayObject(
                [
                    FloatObject(left),
                    FloatObject(bottom),
                    FloatObject(left + MARK_WIDTH),
                    FloatObject(bottom + MARK_HEIGHT),
                ]
            ),
        }
    )
    ref = writer._add_object(widget)
    annots = page.get("/Annots")
    annots = annots.get_object() if annots is not None else ArrayObject()
    annots.append(ref)
    page[NameObject("/Annots")] = annots
    return ref


def proof_file(transaction, signatories, signed_sha256):
    """The proof file: a zip holding the evidence of the collection as JSON."""
    evidence = {
        "transaction": transaction,
        "signatories": signatories,
        "signedDocumentSha256": signed_sha256,
        "provider": "jesignexpert.com sandbox (no legal value)",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("preuve.json", json.dumps(evidence, indent=2, ensure_ascii=False))
    return out.getvalue()


def page_count(content):
    return len(PdfReader(io.BytesIO(content)).pages)


def blank_pdf(pages=1, size=(595, 842)):
    """A small valid PDF of blank pages (A4 unless ``size`` says otherwise), as a fixture."""
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(*size)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
