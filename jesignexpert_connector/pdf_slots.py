# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Finds the signature slots' boxes in a rendered contract PDF (pure Python).

The report prints, at the top-left and bottom-right corners of each slot box,
a tiny white mark ``JSESLOT<order>TL`` / ``JSESLOT<order>BR``.  Reading the
PDF's text with its positions gives back each box: page and coordinates, in
PDF points from the top-left corner of the page, the convention of the
signature fields sent to jesignexpert.com.
"""

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader

MARK_RE = re.compile(r"JSESLOT(\d+)(TL|BR)")


@dataclass(frozen=True)
class SlotBox:
    order: int
    page: int  # 1-based
    left: float
    top: float
    right: float
    bottom: float


def _mult(m, n):
    """Product of two PDF matrices [a b c d e f]."""
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def text_positions(pdf, page_index):
    """[(text, x, y_from_top)] of the page's text runs, white space folded."""
    page = PdfReader(io.BytesIO(pdf)).pages[page_index] if isinstance(pdf, bytes) else pdf.pages[page_index]
    height = float(page.mediabox.height)
    runs = []

    def visit(text, cm, tm, _font, _size):
        text = " ".join(text.split())  # wkhtmltopdf's spaces come out as tabs
        if text:
            matrix = _mult([float(v) for v in tm], [float(v) for v in cm])
            runs.append((text, float(matrix[4]), height - float(matrix[5])))

    page.extract_text(visitor_text=visit)
    return runs


def find_slot_boxes(pdf_bytes):
    """{order: SlotBox} of every slot whose two corner marks are in the PDF."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    corners = {}
    for index in range(len(reader.pages)):
        for text, x, y in text_positions(reader, index):
            for match in MARK_RE.finditer(text):
                corners[(int(match.group(1)), match.group(2))] = (index + 1, x, y)
    boxes = {}
    for (order, corner), (page, x, y) in corners.items():
        if corner != "TL" or (order, "BR") not in corners:
            continue
        page_br, x_br, y_br = corners[(order, "BR")]
        if page_br == page:
            boxes[order] = SlotBox(order, page, x, y, x_br, y_br)
    return boxes


def fields_at_the_foot(pdf_bytes, count, width, height, margin=36, gap=12):
    """Where ``count`` signatures go on a PDF that has no slot box: side by
    side at the foot of its last page, in as many rows as needed.  Returns
    [(page, left, top)], page -1 meaning the last page (points from the
    top-left corner)."""
    last = PdfReader(io.BytesIO(pdf_bytes)).pages[-1]
    page_width, page_height = float(last.mediabox.width), float(last.mediabox.height)
    per_row = max(1, int((page_width - 2 * margin + gap) // (width + gap)))
    rows = (count + per_row - 1) // per_row
    spots = []
    for n in range(count):
        row, column = divmod(n, per_row)
        top = page_height - margin - height - (rows - 1 - row) * (height + gap)
        spots.append((-1, margin + column * (width + gap), max(0.0, top)))
    return spots
