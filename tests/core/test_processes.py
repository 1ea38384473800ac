"""The supervisor behind `make run` and `make stack`: Ctrl-C stops every process cleanly, and exits 0."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from apps.core.processes import read_procfile

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Supervised:
    """`manage.py run_processes` in a subprocess, its output collected line by line as it comes."""

    def __init__(self, *args: str, env: dict | None = None):
        self.process = subprocess.Popen(  # noqa: S603
            [PYTHON, "manage.py", "run_processes", *args], cwd=ROOT, env=env or dict(os.environ),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(iter(self.process.stdout.readline, "")))
        self.reader.start()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, needles: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if all(needle in self.output for needle in needles):
                return
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"did not see {needles} in time; output so far:\n{self.output}")

    def stop(self) -> None:
        """SIGTERM, so that the supervisor stops what it started (its processes live in sessions of their own)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def finish(self, timeout: float) -> int:
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise
        self.reader.join(timeout=5)
        return status


def children_alive(output: str) -> list[int]:
    pids = [int(line.split("(pid ")[1].rstrip(")")) for line in output.splitlines() if "started (pid" in line]
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
            alive.append(pid)
        except ProcessLookupError:
            pass
    return alive


SLEEPER = f"{PYTHON} -c 'import time; print(\"ready\", flush=True); time.sleep(60)'"


def test_procfile_lines_are_read_and_bad_ones_refused(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("# comment\n\nweb: run web ${PORT:-8000}\nworker: run worker\n")
    assert [(s.name, s.command) for s in read_procfile(procfile)] == [("web", "run web ${PORT:-8000}"),
                                                                       ("worker", "run worker")]
    procfile.write_text("web run web\n")
    with pytest.raises(ValueError, match="expected 'name: command'"):
        read_procfile(procfile)
    procfile.write_text("web: a\nweb: b\n")
    with pytest.raises(ValueError, match="used twice"):
        read_procfile(procfile)


def test_sigint_stops_every_process_and_exits_0(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"one: {SLEEPER}\ntwo: {SLEEPER}\n")
    run = Supervised(str(procfile))
    run.wait_for(["one | ready", "two | ready"], timeout=30)
    run.process.send_signal(signal.SIGINT)
    assert run.finish(timeout=20) == 0, run.output
    assert "SIGINT received; stopping" in run.output
    assert children_alive(run.output) == []


def test_a_process_that_ignores_the_stop_is_killed_after_the_timeout_and_the_exit_says_so(tmp_path):
    stubborn = f"{PYTHON} -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); " \
               f"print(\"ready\", flush=True); time.sleep(60)'"
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"polite: {SLEEPER}\nstubborn: {stubborn}\n")
    run = Supervised(str(procfile), "--stop-timeout", "1")
    run.wait_for(["polite   | ready", "stubborn | ready"], timeout=30)
    run.process.send_signal(signal.SIGTERM)
    assert run.finish(timeout=20) == 1, run.output
    assert "killed: stubborn" in run.output
    assert children_alive(run.output) == []


def test_a_process_that_ends_by_itself_stops_the_others_with_its_status(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text(f"lasting: {SLEEPER}\nfailing: {PYTHON} -c 'import sys, time; time.sleep(1); sys.exit(3)'\n")
    run = Supervised(str(procfile))
    assert run.finish(timeout=30) == 3, run.output
    assert "failing ended by itself (status 3)" in run.output
    assert children_alive(run.output) == []


def test_make_run_processes_stop_cleanly_on_ctrl_c(tmp_path):
    """The real Procfile.dev: runserver, a Celery worker and beat, on a fresh SQLite database."""
    env = {"GOVSERVICE_VAR_DIR": str(tmp_path), "PORT": str(free_port()), "SUPERVISION_SWEEP_ON_START": "false",
           "DATABASE_URL": "", "CELERY_BROKER_URL": "", "REDIS_URL": "", "CELERY_RESULT_BACKEND": ""}
    env = {**{k: v for k, v in os.environ.items() if k not in env}, **{k: v for k, v in env.items() if v}}
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)  # noqa: S603
    run = Supervised("Procfile.dev", env=env)
    run.wait_for(["Quit the server with CONTROL-C", "ready.", "beat: Starting"], timeout=90)
    run.process.send_signal(signal.SIGINT)
    assert run.finish(timeout=30) == 0, run.output
    for name in ("web", "worker", "beat"):
        assert f"{name} stopped (status 0)" in run.output or f"{name} stopped (status -15)" in run.output
    assert "killed" not in run.output
    assert children_alive(run.output) == []
