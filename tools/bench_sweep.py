"""(i) The reconciliation sweep's calls per day (tools/bench.sh, `make bench`).

Computed from the sweep's schedule (jesignexpert_connector/jse/sweep.py) over
10,000 open collections whose ages are spread evenly over the month that
jesignexpert.com keeps them: no HTTP call is made.  Plain Python, no Odoo."""

import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "jesignexpert_connector"))

from jse import sweep

N_OPEN = 10_000
BATCH_CALLS, BATCHES_PER_RUN, RUNS_PER_HOUR = 200, 10, 4  # the defaults: 15-minute runs of up to 10 batches

ages = [sweep.KEPT * (i + 0.5) / N_OPEN for i in range(N_OPEN)]
with_list = sweep.calls_per_day(ages)
alone = sweep.calls_per_day(ages, alone=True)
hourly = sum(1 for age in ages if sweep.interval(age, timedelta(0)) == sweep.HOURLY)
capacity = BATCH_CALLS * BATCHES_PER_RUN * RUNS_PER_HOUR * 24
print(f"(i) sweep of {N_OPEN:,} open collections, ages spread evenly over the {sweep.KEPT.days} days kept:")
print(
    f"    with the change list : {with_list:,.0f} reads a day ({with_list / 86400:.2f}/s): "
    f"daily, hourly for the {hourly:,} in their last 3 days"
)
print(f"    without it (alone)   : {alone:,.0f} reads a day ({alone / 86400:.2f}/s): every open collection hourly")
print(
    f"    default budget       : {capacity:,} reads a day at most "
    f"({BATCH_CALLS} a batch, {BATCHES_PER_RUN} batches a run, every 15 min)"
)
