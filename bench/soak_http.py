"""The soak's HTTP side (bench/soak.py): one request with its answer and time, the record every client thread
adds to, and releasing several requests at the same moment."""

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

PDF = b"%PDF-1.4\n%soak\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
REQUEST_TIMEOUT = 60


@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, timeout)
    body: object
    replayed: bool
    seconds: float


def _multipart(fields: dict, file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Recorder:
    """Every request's action, answer and time; the problems found on the way. Shared by all threads."""

    KEEP = 10  # problems of each kind kept in full; the rest are counted

    def __init__(self):
        self._lock = threading.Lock()
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.waits: dict[str, list[float]] = defaultdict(list)  # how long a case waited for a job, by what
        self.statuses: Counter = Counter()
        self.events: Counter = Counter()
        self.problems: Counter = Counter()
        self.examples: dict[str, list[str]] = defaultdict(list)

    def request(self, action: str, answer: Answer) -> None:
        with self._lock:
            self.seconds[action].append(answer.seconds)
            self.statuses[answer.status] += 1

    def waited(self, what: str, seconds: float) -> None:
        with self._lock:
            self.waits[what].append(seconds)

    def count(self, event: str, n: int = 1) -> None:
        with self._lock:
            self.events[event] += n

    def problem(self, kind: str, message: str) -> None:
        with self._lock:
            self.problems[kind] += 1
            if len(self.examples[kind]) < self.KEEP:
                self.examples[kind].append(message)

    def examples_of(self, kind: str) -> list[str]:
        """One entry per problem of this kind: the first ones in full."""
        kept = self.examples.get(kind, [])
        return kept + ["(not kept)"] * (self.problems[kind] - len(kept))


class Http:
    def __init__(self, base: str, recorder: Recorder):
        self.base, self.recorder = base, recorder

    def send(self, action: str, method: str, path: str, *, token: str | None = None, body=None,
             upload: dict | None = None, key: str | None = None) -> Answer:
        headers, data = {}, None
        if token:
            headers["Authorization"] = f"Token {token}"
        if key:
            headers["Idempotency-Key"] = key
        if upload is not None:
            data, headers["Content-Type"] = _multipart(upload, "material.pdf", PDF)
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)  # noqa: S310
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310  loopback
                status, raw, replayed = response.status, response.read(), response.headers.get("Idempotent-Replayed")
        except urllib.error.HTTPError as error:
            status, raw, replayed = error.code, error.read(), error.headers.get("Idempotent-Replayed")
        except OSError as error:
            status, raw, replayed = 0, str(error).encode(), None
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw[:300].decode(errors="replace")
        answer = Answer(status, parsed, replayed == "true", time.perf_counter() - started)
        self.recorder.request(action, answer)
        return answer


def at_once(calls) -> list:
    """Run the callables at the same moment (a barrier releases them together); their results, in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
