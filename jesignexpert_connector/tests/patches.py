# Copyright 2026 jesignexpert_connector contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the tests change in the addon's code as it runs: a method that fails
for one collection only, and a sync whose calls take time on a clock of the
test's own."""

from unittest.mock import patch

from ..models import jesignexpert_sync as sync_module
from ..models import jesignexpert_sync_fetch_mixin as fetch_module


def fails_for(env, method, broken):
    """``jesignexpert.collection``'s ``method`` raises an error nobody
    foresaw for the collection ``broken``, and works for the others (a
    patch, to use in a ``with``)."""
    model = type(env["jesignexpert.collection"])
    real = getattr(model, method)

    def patched(record, *args, **kwargs):
        if record == broken:
            raise RuntimeError("something nobody foresaw")
        return real(record, *args, **kwargs)

    return patch.object(model, method, patched)


def sync_in_batches(env, model, method, most, ends=lambda done, remaining: not remaining):
    """The sync's scheduled action, run as Odoo chains its batches (at most
    ``most``, until ``ends``), each 15 seconds long on a clock that each call
    of ``model``'s ``method`` moves by 10 seconds.  Returns each batch's
    (done, remaining)."""
    clock = [0.0]
    slow = type(env[model])
    real = getattr(slow, method)

    def ten_seconds_each(record, *args, **kwargs):
        clock[0] += 10
        return real(record, *args, **kwargs)

    env["ir.config_parameter"].sudo().set_param("jesignexpert_connector.sync_batch_seconds", "15")
    cron = env.ref("jesignexpert_connector.ir_cron_jesignexpert_sync")
    batches = []
    with (
        patch.object(sync_module, "monotonic", lambda: clock[0]),
        patch.object(fetch_module, "monotonic", lambda: clock[0]),
        patch.object(slow, method, ten_seconds_each),
    ):
        for _batch in range(most):
            cron, progress = cron._add_progress()
            env["jesignexpert.sync"].with_context(**cron.env.context)._cron_sync(auto_commit=False)
            batches.append((progress.done, progress.remaining))
            if ends(progress.done, progress.remaining):
                break
    return batches
