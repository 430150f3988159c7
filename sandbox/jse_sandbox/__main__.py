"""``jse-sandbox --port 8079 --data sandbox.sqlite3`` (or ``python -m jse_sandbox``): runs the sandbox."""

import argparse
import logging
import signal
import sys
import threading

from .server import start, stop
from .store import DEFAULT_COLLABORATORS, SECRET, SHORTCUT


def main(argv=None):
    parser = argparse.ArgumentParser(prog="jse-sandbox", description="jesignexpert.com sandbox on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8079, help="TCP port on 127.0.0.1 (default 8079)")
    parser.add_argument("--data", default="sandbox.sqlite3", help="SQLite file holding the state")
    parser.add_argument("--shortcut", default=SHORTCUT, help=f"integrator shortcut (default: {SHORTCUT})")
    parser.add_argument("--secret", default=SECRET, help=f"integrator secret (default: {SECRET})")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s")
    sandbox = start(args.data, port=args.port, integrators={args.shortcut: args.secret})
    lines = [
        f"jesignexpert.com sandbox on {sandbox.url} (data: {args.data})",
        f"  integrator: shortcut={args.shortcut!r}; collaborators (password 'demo'):",
    ]
    lines += [f"    {name} <{email}>: {', '.join(offices)}" for email, _pw, name, offices in DEFAULT_COLLABORATORS]
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    stop(sandbox)


if __name__ == "__main__":
    main()
