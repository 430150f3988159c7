# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A collection's document: where its signers sign, and what of the signed
PDF that comes back is accepted.

KNOWN: a document is uploaded with its ``SignFields`` (order, positionX,
positionY, page, withoutLogo; ``page: -1`` is the last page).  ASSUMED: the
unit and origin of the positions, the room a signature takes, and that any
readable PDF is the signed document (the trust provider may add a page).
"""

from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .errors import JseUnreadableDocument
from .vocabulary import Problem

# ASSUMED: the room a signature takes on the page, in PDF points.
SIGN_FIELD_WIDTH = 170
SIGN_FIELD_HEIGHT = 42


@dataclass(frozen=True)
class SignField:
    """Where a signer signs on a document (KNOWN fields of ``SignFields``).

    ASSUMED: ``x`` and ``y`` are PDF points from the top-left corner of the
    page; ``page`` starts at 1, -1 meaning the last page; ``order`` numbers the
    fields of a document, and a signatory's ``positions`` lists the orders of
    the fields it signs.
    """

    order: int
    page: int
    x: float
    y: float
    without_logo: bool = False

    def to_json(self):
        return {
            "order": self.order,
            "positionX": round(self.x, 2),
            "positionY": round(self.y, 2),
            "page": self.page,
            "withoutLogo": self.without_logo,
        }


@dataclass(frozen=True)
class SignedPdf:
    """What a signed PDF holds, as read by ``read_signed_pdf``."""

    pages: int
    notes: tuple = ()  # Problems worth telling a person; none refuses the file


def read_signed_pdf(stream, original_pages=0):
    """ASSUMED acceptance rule of a signed document: any readable PDF is
    taken home; what differs from the original is noted, never refused (the
    trust provider may append a certificate page).  Raises
    JseUnreadableDocument when the file is not a readable PDF."""
    try:
        reader = PdfReader(stream)
        pages = len(reader.pages)
        fields_ = (reader.trailer["/Root"].get("/AcroForm") or {}).get("/Fields") or []
        signed = any(
            (f.get_object().get("/V") or {}).get_object().get("/Type") == "/Sig"
            for f in fields_
            if f.get_object().get("/V") is not None
        )
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise JseUnreadableDocument(f"the signed document is not a readable PDF ({error.__class__.__name__})") from None
    if not pages:
        raise JseUnreadableDocument("the signed document is not a readable PDF (no page)")
    notes = []
    if original_pages and pages > original_pages:
        notes.append(Problem("extra_pages", str(pages - original_pages)))
    elif original_pages and pages < original_pages:
        notes.append(Problem("fewer_pages", str(original_pages - pages)))
    if not signed:
        notes.append(Problem("no_signature"))
    return SignedPdf(pages=pages, notes=tuple(notes))
