# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reads back the marks the contract report prints in its PDF (pure Python).

The report prints, at the top-left and bottom-right corners of each slot box,
a tiny white mark ``JSESLOT<order>TL`` / ``JSESLOT<order>BR``.  Reading the
PDF's text with its positions gives back each box: page and coordinates, in
PDF points from the top-left corner of the page, the convention of the
signature fields sent to jesignexpert.com.

Several contracts printed in one wkhtmltopdf run (a bulk sending's batch)
each lie between two such marks, ``JSEDOC<id>START`` at the top of its first
page and ``JSEDOC<id>END`` after its last line: ``split_documents`` splits
the PDF back into one document per contract by them, and gives up unless
they say plainly which pages are whose.

The marks are the only white text of a contract: they are read straight
from the pages' content streams (``white_text``), in a few milliseconds a
page, where pypdf's text extraction reads every glyph and takes a few tenths
of a second.  A page that this quick reading does not follow is read by
pypdf's extraction (``text_positions``), as is a PDF in which it finds no
slot mark.
"""

import io
import re
import zlib
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

MARK_RE = re.compile(r"JSESLOT(\d+)(TL|BR)")
DOC_MARK_RE = re.compile(r"JSEDOC(\d+)(START|END)")
# How far apart (in points) the first lines of two documents of one run may
# be and still be laid out alike.
SAME_HEIGHT = 0.5


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


# --- the white text of a page, read from its content stream ---------------

_NUMBER = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_TEXT_OBJECT = re.compile(rb"\bBT\b.*?\bET\b", re.S)
# Outside text objects, only what places and colours them counts: the
# graphics state's saves and restores, its matrix, the fill colour.
_FILL = {b"scn", b"sc", b"rg", b"g", b"k"}
_NUMERIC = frozenset(b"0123456789.+-")
# Inside a text object: its operands and operators.
_INSIDE = re.compile(
    rb"<(?P<hex>[0-9A-Fa-f\s]*)>|\[(?P<array>[^\]]*)\]|(?P<literal>\()|/(?P<name>[^\s/\[\]<>()]+)"
    rb"|(?P<num>" + _NUMBER + rb")|(?P<op>[A-Za-z'\"*]+)",
    re.S,
)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
# Text state operators that do not move where a text object starts.
_TEXT_STATE = {b"Tc", b"Tw", b"Tz", b"TL", b"Ts", b"Tr"}


class Unreadable(Exception):
    """The page holds what the quick reading does not follow."""


def _unicode(hex_digits):
    return bytes.fromhex(hex_digits.decode()).decode("utf-16-be", "replace")


def _to_unicode(font):
    """(code width in bytes, {code: text}) of a font's ToUnicode map."""
    if "/ToUnicode" not in font:
        raise Unreadable("a font without ToUnicode map")
    cmap = font["/ToUnicode"].get_object().get_data()
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", cmap)
    width = len(space.group(1)) // 2 if space else 2
    codes = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            codes[int(src, 16)] = _unicode(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, dst, array in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]*)>|\[([^\]]*)\])", block
        ):
            low, high = int(low, 16), int(high, 16)
            if array:
                for n, item in enumerate(_HEX.findall(array)):
                    codes[low + n] = _unicode(item)
            else:
                text = _unicode(dst)
                for n in range(high - low + 1):
                    # The last character counts up through the range.
                    codes[low + n] = text[:-1] + chr(min(ord(text[-1]) + n, 0x10FFFF)) if text else ""
    return width, codes


def _decode(hex_digits, font_map):
    width, codes = font_map
    data = bytes.fromhex("".join(hex_digits.decode().split()))
    return "".join(codes.get(int.from_bytes(data[i : i + width], "big"), "") for i in range(0, len(data), width))


def _is_white(operands, operator):
    """Whether the fill colour these operands set is white (a gray, RGB or
    CMYK colour: one, three or four of them)."""
    if not operands:
        raise Unreadable("a colour without components")
    values = [float(v) for v in operands]
    return all(v == 0 for v in values) if operator == b"k" else all(v == 1 for v in values)


def white_text(reader, page_index, fonts=None):
    """[(text, x, y_from_top)] of the page's white text runs (the marks), as
    ``text_positions`` gives them, read straight from its content stream.
    Raises Unreadable when the page holds what this reading does not follow.
    ``fonts`` caches the fonts' maps across the pages of one PDF."""
    page = reader.pages[page_index]
    height = float(page.mediabox.height)
    contents = page.get_contents()
    if contents is None:
        return []
    fonts = {} if fonts is None else fonts
    page_fonts = (page.get("/Resources") or {}).get("/Font") or {}
    data = contents.get_data()
    state = {"ctm": [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], "white": False, "stack": []}
    runs, position = [], 0
    for block in _TEXT_OBJECT.finditer(data):
        _follow_state(data, position, block.start(), state)
        run = state["white"] and _text_run(block.group(), state["ctm"], page_fonts, fonts)
        if run:
            runs.append((run[0], run[1], height - run[2]))
        position = block.end()
    return runs


def _follow_state(data, start, end, state):
    """Follows the graphics state through ``data[start:end]`` (no text
    object there), operator by operator."""
    operands = []
    for token in data[start:end].split():
        if token[0] in _NUMERIC:
            operands.append(token)
        elif token == b"cm":
            state["ctm"] = _mult([float(v) for v in operands[-6:]], state["ctm"])
            operands = []
        elif token in _FILL:
            state["white"] = _is_white(operands, token)
            operands = []
        elif token == b"q":
            state["stack"].append((state["ctm"], state["white"]))
        elif token == b"Q":
            if state["stack"]:
                state["ctm"], state["white"] = state["stack"].pop()
        elif token == b"BI":
            raise Unreadable("an inline image")
        elif token[0] not in b"/[<(":
            operands = []


def _font_map(name, page_fonts, fonts):
    if name not in page_fonts:
        raise Unreadable("an unknown font")
    reference = page_fonts.raw_get(name)
    key = getattr(reference, "idnum", None) or id(reference)
    if key not in fonts:
        fonts[key] = _to_unicode(page_fonts[name].get_object())
    return fonts[key]


def _text_run(block, ctm, page_fonts, fonts):
    """(text, x, y) of a text object: its glyphs' text, white space folded,
    and where its first glyph is drawn, in the page's coordinates."""
    tlm = tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    font_map, operands, text, start = None, [], [], None
    for token in _INSIDE.finditer(block, 2, len(block) - 2):
        if token.group("literal") is not None:
            raise Unreadable("a literal string")
        if token.group("op") is None:
            operands.append(token)
            continue
        op = token.group("op")
        if op == b"Tf":
            font_map = _font_map("/" + operands[0].group("name").decode(), page_fonts, fonts)
        elif op == b"Tm":
            tlm = tm = [float(t.group()) for t in operands[-6:]]
        elif op in (b"Td", b"TD"):
            tlm = tm = _mult([1.0, 0.0, 0.0, 1.0, *(float(t.group()) for t in operands[-2:])], tlm)
        elif op in (b"Tj", b"TJ"):
            if font_map is None:
                raise Unreadable("text before its font")
            if start is None:
                start = _mult(tm, ctm)
            for operand in operands:
                if operand.group("hex") is not None:
                    text.append(_decode(operand.group("hex"), font_map))
                elif operand.group("array") is not None:
                    if b"(" in operand.group("array"):
                        raise Unreadable("a literal string")
                    text.extend(_decode(h, font_map) for h in _HEX.findall(operand.group("array")))
        elif op not in _TEXT_STATE:
            raise Unreadable(f"the text operator {op.decode(errors='replace')}")
        operands = []
    text = " ".join("".join(text).split())  # wkhtmltopdf's spaces come out as tabs
    return (text, float(start[4]), float(start[5])) if text else None


_UNREADABLE = (Unreadable, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, zlib.error)


def marks(reader):
    """[[(text, x, y_from_top)] per page]: each page's white text, read
    quickly, or all its text when the quick reading does not follow it."""
    fonts = {}
    pages = []
    for index in range(len(reader.pages)):
        try:
            pages.append(white_text(reader, index, fonts))
        except _UNREADABLE:
            pages.append(text_positions(reader, index))
    return pages


def find_slot_boxes(pdf_bytes):
    """{order: SlotBox} of every slot whose two corner marks are in the PDF."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    boxes = _slot_boxes(marks(reader))
    if boxes:
        return boxes
    # None: a PDF that Odoo did not print, or marks that the quick reading missed.
    return _slot_boxes([text_positions(reader, index) for index in range(len(reader.pages))])


def _slot_boxes(pages):
    corners = {}
    for index, runs in enumerate(pages):
        for text, x, y in runs:
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


# --- several documents printed in one run ---------------------------------


def split_documents(pdf_bytes, ids):
    """{id: PDF bytes} of the documents printed one after the other in
    ``pdf_bytes`` (``ids`` in that order), split by their marks; None unless
    the marks say plainly which pages are whose: each document's START mark
    on the page after the previous one's END mark (the first on the first
    page, the last END on the last page), each once, in order, no other;
    and each document starting at the same height as the first, which is
    where it starts printed alone (else it is not laid out as alone)."""
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        found = []  # (page, id, START|END, height), in reading order
        for index, runs in enumerate(marks(reader)):
            page_marks = [
                (y, int(match.group(1)), match.group(2)) for text, _x, y in runs for match in DOC_MARK_RE.finditer(text)
            ]
            found.extend((index, mark_id, end, y) for y, mark_id, end in sorted(page_marks))
        expected = [(mark_id, end) for mark_id in ids for end in ("START", "END")]
        if [(mark_id, end) for _page, mark_id, end, _y in found] != expected:
            return None
        starts = [(page, y) for page, _id, end, y in found if end == "START"]
        ends = [page for page, _id, end, _y in found if end == "END"]
        follows = [start for start, _y in starts] == [0] + [end + 1 for end in ends[:-1]]
        if not follows or ends[-1] != len(reader.pages) - 1:
            return None
        if max(y for _page, y in starts) - min(y for _page, y in starts) > SAME_HEIGHT:
            return None
        documents = {}
        for mark_id, (first, _y), last in zip(ids, starts, ends, strict=True):
            writer = PdfWriter()
            for index in range(first, last + 1):
                writer.add_page(reader.pages[index])
            out = io.BytesIO()
            writer.write(out)
            documents[mark_id] = out.getvalue()
        return documents
    except _UNREADABLE:
        return None


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
