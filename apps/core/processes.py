"""Run the processes of a Procfile together in the foreground and stop them all cleanly.

`make run` and `make stack` start the web server, a Celery worker and beat this way. Each process gets its
own process group, so a Ctrl-C in the terminal reaches only this supervisor. On SIGINT or SIGTERM it sends
SIGTERM to every process: the request to stop that each of them (runserver, gunicorn, a Celery worker's warm
shutdown, beat) answers by finishing its work and exiting, where a Celery worker takes SIGINT as a failure.
It waits for them, then ends whatever they left in their process groups, and kills only what is still
running after the timeout. A clean stop exits 0; a process
that ends by itself stops the others and its status becomes the supervisor's.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    command: str


def read_procfile(path: Path) -> list[ProcessSpec]:
    """`name: command` lines; blank lines and `#` comments are skipped. Raises ValueError on anything else."""
    specs = []
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = PROCFILE_LINE.match(line.strip())
        if not match:
            raise ValueError(f"{path}:{number}: expected 'name: command'")
        specs.append(ProcessSpec(match.group(1), match.group(2)))
    if not specs:
        raise ValueError(f"{path}: no processes")
    if len({spec.name for spec in specs}) != len(specs):
        raise ValueError(f"{path}: a process name is used twice")
    return specs


class Supervisor:
    def __init__(self, specs: list[ProcessSpec], *, stop_timeout: float = 15.0, out: TextIO = sys.stdout):
        self.specs = specs
        self.stop_timeout = stop_timeout
        self.out = out
        self.processes: dict[str, subprocess.Popen] = {}
        self._pumps: list[threading.Thread] = []
        self._received: int | None = None
        self._write_lock = threading.Lock()
        self._width = max(len(spec.name) for spec in specs)

    def say(self, name: str, text: str) -> None:
        with self._write_lock:
            self.out.write(f"{name.ljust(self._width)} | {text}\n")
            self.out.flush()

    def _on_signal(self, signum, frame) -> None:
        if self._received is None:
            self._received = signum

    def _pump(self, name: str, stream) -> None:
        for line in iter(stream.readline, ""):
            self.say(name, line.rstrip("\n"))
        stream.close()

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for spec in self.specs:
            # `exec` so that the shell (which expands ${VAR:-default}) becomes the process itself.
            process = subprocess.Popen(  # noqa: S603  commands come from the project's own Procfile
                ["/bin/sh", "-c", f"exec {spec.command}"], env=env, start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
            )
            self.processes[spec.name] = process
            pump = threading.Thread(target=self._pump, args=(spec.name, process.stdout), daemon=True)
            pump.start()
            self._pumps.append(pump)
            self.say("system", f"{spec.name} started (pid {process.pid})")

    def _signal_leaders(self, signum: int) -> None:
        """Only the process itself: a Celery worker stops its own pool, and counts a pool child that
        someone else terminated as lost work."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signum)

    def _signal_groups(self, signum: int) -> bool:
        """Whatever is left in each process group (runserver's reloaded child, for one); True if any."""
        found = False
        for process in self.processes.values():
            try:
                os.killpg(process.pid, signum)
                found = True
            except ProcessLookupError:
                pass
        return found

    def _first_ended(self) -> tuple[str, int] | None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name, process.returncode
        return None

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            ended = None
            while self._received is None and ended is None:
                time.sleep(0.1)
                ended = self._first_ended()
            if ended is not None and self._received is None:
                name, status = ended
                self.say("system", f"{name} ended by itself (status {status}); stopping the others")
                return self.stop(failed=ended)
            self.say("system", f"{signal.Signals(self._received).name} received; stopping")
            return self.stop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def stop(self, *, failed: tuple[str, int] | None = None) -> int:
        self._signal_leaders(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while time.monotonic() < deadline and any(p.poll() is None for p in self.processes.values()):
            time.sleep(0.1)
        killed = [name for name, p in self.processes.items() if p.poll() is None]
        if killed:
            self.say("system", f"still running after {self.stop_timeout:g} s, killed: {', '.join(killed)}")
            self._signal_groups(signal.SIGKILL)
        elif self._signal_groups(signal.SIGTERM):
            time.sleep(1)
            self._signal_groups(signal.SIGKILL)
        clean_statuses = {0, -signal.SIGTERM, 128 + signal.SIGTERM}
        unclean = []
        for pump in self._pumps:
            pump.join(timeout=2)  # their last lines, before the report
        for name, process in self.processes.items():
            status = process.wait()
            self.say("system", f"{name} stopped (status {status})")
            if status not in clean_statuses and name not in killed:
                unclean.append(name)
        if failed is not None:
            return failed[1] if failed[1] > 0 else 1
        return 1 if killed or unclean else 0
