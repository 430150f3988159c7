# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The change list: how one of its pages is read.

ASSUMED, all of it: ``GET transaction?updatedSince=...`` is not public.  The
call itself is ``JseClient.list_changes``; this module reads what it answers,
tolerantly (an item that cannot be read is a ``Problem`` of the page, the
others are kept).
"""

from dataclasses import dataclass

from .errors import JseResponseError
from .vocabulary import Problem, Transaction

# ASSUMED: how a page of the change list wraps its transactions.  Ours is
# {"items": [...], "hasMore": bool}; two other common wrappings are read as
# well: {"data": [...], "hasMore": bool} and a Spring page {"content": [...],
# "last": bool}.  Any other shape is refused with a clear error (it names the
# keys that came), never read as an empty page.
LIST_SHAPES = ("items", "data", "content")
# The change list's name in our errors (``JseApiError.endpoint``).
CHANGE_LIST = "transaction.list"
# ASSUMED: the change list's stamps may be committed out of order on the
# platform's side; each run reads again the last minute before its position.
CHANGES_OVERLAP_MS = 60 * 1000


@dataclass(frozen=True)
class ChangesPage:
    """One page of the change list.  ``position`` is the (stamp, id) of its
    last transaction: the next page, and the next run, start after it."""

    transactions: tuple
    has_more: bool
    position: tuple | None = None
    continuation: str = ""
    problems: tuple = ()
    shape: str = "items"  # the key the page's transactions came under (see LIST_SHAPES)


def _list_shape(data):
    """The key under which a change-list page holds its transactions (see
    LIST_SHAPES), else a JseResponseError naming what came."""
    if isinstance(data, dict):
        for shape in LIST_SHAPES:
            if isinstance(data.get(shape), list):
                return shape
        keys = ", ".join(sorted(str(k) for k in data)[:10]) or "none"
    else:
        keys = type(data).__name__
    raise JseResponseError(
        f"jesignexpert.com sent the change list in a shape we do not read (keys: {keys[:200]})",
        endpoint=CHANGE_LIST,
    )


def read_page(data):
    """The ``ChangesPage`` of an answer of the change list.  ASSUMED: its
    transactions come oldest first, ordered by (``updatedAt``, ``id``); it
    says whether more follow (``hasMore``, or a Spring page's ``last``) and
    may give an opaque ``next`` continuation."""
    shape = _list_shape(data)
    transactions, problems, position = [], [], None
    for item in data[shape]:
        try:
            transaction = Transaction.from_json(item)
        except JseResponseError:
            problems.append(Problem("unreadable_item", str(item)[:200]))
            continue
        transactions.append(transaction)
        if transaction.updated_at is not None:
            position = (transaction.updated_at, transaction.id)
    nxt = data.get("next")
    has_more = data.get("hasMore")
    if has_more is None and isinstance(data.get("last"), bool):  # a Spring page
        has_more = not data["last"]
    return ChangesPage(
        transactions=tuple(transactions),
        has_more=bool(has_more),
        position=position,
        continuation=nxt if isinstance(nxt, str) else "",
        problems=tuple(problems),
        shape=shape,
    )
