# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Searching on a computed boolean that is not stored.

Odoo 18 hands such a field's search method the condition as a client wrote
it; a filter and the domain editor write ``=`` or ``!=`` with True or False
(or 1 and 0), and ``in`` or ``not in`` with a list of them.  Each is turned
into a domain here; any other condition is refused in words, never left to
Odoo as a server error."""

from odoo.exceptions import UserError
from odoo.osv import expression


def _as_bool(value):
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    raise ValueError(value)


def wanted_values(operator, value):
    """The values (a set of True and False) a condition asks for; ValueError
    for a condition a boolean cannot answer."""
    if operator in ("=", "!="):
        values = {_as_bool(value)}
    elif operator in ("in", "not in") and isinstance(value, list | tuple):
        values = {_as_bool(v) for v in value}
    else:
        raise ValueError(operator)
    return values if operator in ("=", "in") else {True, False} - values


def boolean_domain(model, field_name, operator, value, true_domain):
    """The domain of the condition (``field_name``, ``operator``, ``value``)
    on ``model``, where ``true_domain`` finds the records whose field is True
    (a callable that returns it, when it costs something to make)."""
    try:
        wanted = wanted_values(operator, value)
    except ValueError:
        raise UserError(
            model.env._(
                "“%(field)s” can only be searched as set or not set (True or False), not with %(operator)s %(value)r.",
                field=model._fields[field_name]._description_string(model.env),
                operator=operator,
                value=value,
            )
        ) from None
    if wanted == {True, False}:
        return expression.TRUE_DOMAIN
    if not wanted:
        return expression.FALSE_DOMAIN
    if callable(true_domain):
        true_domain = true_domain()
    if wanted == {True}:
        return true_domain
    return [("id", "not in", model._search(true_domain))]
