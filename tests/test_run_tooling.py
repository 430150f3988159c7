"""What `make run` does with what a killed run left behind (tools/common.sh):
the sandbox it left is stopped, a process that ignores SIGTERM is killed,
another program's process is left alone, a port in use is seen."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from conftest import ROOT

COMMON = os.path.join(ROOT, "tools", "common.sh")
# A program that ignores SIGTERM (as one sandbox was seen to, once stopping).
DEAF = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); time.sleep(60)"


def bash(script, *args):
    """Runs ``script`` with tools/common.sh sourced; returns the completed process."""
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [shutil.which("bash"), "-c", f'source "{COMMON}"; {script}', "bash", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, PYTHON=sys.executable),
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reaped(process):
    """Collects the process once it ends, as init would for an orphan."""
    threading.Thread(target=process.wait, daemon=True).start()
    return process


@pytest.fixture
def leftover_sandbox(tmp_path):
    """A sandbox as a killed `make run` leaves it: running, its PID in a file."""
    port, data = free_port(), tmp_path / "sandbox.sqlite3"
    process = reaped(
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "jse_sandbox", "--port", str(port), "--data", str(data)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    for _attempt in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    pidfile = tmp_path / "sandbox.pid"
    pidfile.write_text(f"{process.pid}\n")
    yield process, port, pidfile, data
    if process.poll() is None:
        process.kill()


def test_the_sandbox_a_killed_run_left_is_stopped_and_its_port_freed(leftover_sandbox):
    process, port, pidfile, data = leftover_sandbox
    assert bash('port_free "$1"', port).returncode == 1
    result = bash('stop_leftover sandbox "$1" "$2"', pidfile, data)
    assert "stopping the sandbox a previous make run left running" in result.stderr
    process.wait(5)
    assert not pidfile.exists()
    assert bash('port_free "$1"', port).returncode == 0


def test_a_process_that_is_not_ours_is_left_alone(leftover_sandbox):
    """The PID in the file now names another program (after a reboot, say)."""
    process, _port, pidfile, _data = leftover_sandbox
    result = bash('stop_leftover sandbox "$1" "$2"', pidfile, "/elsewhere/.var/sandbox.sqlite3")
    assert result.stderr == ""
    assert process.poll() is None
    assert not pidfile.exists()


def test_a_process_deaf_to_sigterm_is_killed():
    deaf = reaped(
        subprocess.Popen(  # noqa: S603 (our own Python, a fixed program)
            [sys.executable, "-c", DEAF],
            stdout=subprocess.PIPE,
        )
    )
    deaf.stdout.readline()  # its handler is in place
    started = time.monotonic()
    result = bash('stop_pid "$1" 1', deaf.pid)
    assert "ignored SIGTERM for 1 s: killing it" in result.stderr
    assert deaf.wait(5) == -signal.SIGKILL
    assert time.monotonic() - started < 10
