"""The soak's clients (bench/soak.py): people driving applications through their lifecycle over HTTP.

Each case is one application and a plan (a kind): most are approved, delivered and rated; the others go
through a correction notice, a refusal, a denial at a step, a pause of the clock, an extension, a withdrawal,
an upload of every material, a window submission, an instant item; the late kinds begin in the past (made by
soak_world.py when a client reaches them) and wait for the jobs to flag them, deem them accepted, remind or
flag a late delivery, before their people act. Every POST carries an Idempotency-Key. Some are sent twice
with the same key, one after the other or both at once (a double click), and must get the same answer; some
actions are taken by two people at once (a race), and exactly one must win while the other gets 409. Any
other answer than the one the plan expects is a problem, counted and kept, and ends that case.
"""

import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from apps.applications import states
from apps.applications.models import Application, CorrectionNotice

from .soak_http import Answer, Http, Recorder, at_once
from .soak_world import LATE_KINDS, Account, Desk, LateMaker

# kind -> weight in the mix; the first cases take each kind once, so even a short run goes down every path.
KIND_WEIGHTS = {"approve": 42, "upload": 6, "window": 8, "instant": 5, "correction": 10, "reject": 5, "deny": 6,
                "suspend": 6, "extend": 2, "withdraw": 3, "overdue": 2, "warning": 1, "deemed": 1.5,
                "reminded": 1, "late_delivery": 1.5}
P_DOUBLE_CLICK, P_DOUBLE_CLICK_AT_ONCE = 0.03, 0.01  # per POST
P_RACE = {"accept": 0.03, "approve_step": 0.02, "deliver": 0.02}  # per action of that kind
P_TOGETHER = 0.02  # per approved case: a visit recorded while a step is approved, both at once


def plan(count: int, seed: int) -> list[str]:
    kinds, rng = list(KIND_WEIGHTS), random.Random(seed)
    return [kinds[i] if i < len(kinds) else rng.choices(kinds, weights=list(KIND_WEIGHTS.values()))[0]
            for i in range(count)]


# ---- one case --------------------------------------------------------------------------------------------


class Unexpected(Exception):
    """An answer the plan did not expect: the case ends there."""


class Stopped(Exception):
    """The soak's time is up: the case ends where it is."""


class Case:
    def __init__(self, run: "Run", index: int, kind: str, desk: Desk, other: Desk):
        self.run, self.index, self.kind, self.desk, self.other = run, index, kind, desk, other
        self.rng = random.Random(run.seed * 1_000_003 + index)
        self.id: int | None = None
        self.department = ""  # of a late case: its approvers act on it
        self.detail: dict = {}
        self.seen_by = ""  # whose view `detail` is (allowed_actions are per person)
        self.forced = index == 0  # the first case takes every race and both kinds of double click

    # -- requests

    def path(self, tail: str = "") -> str:
        return f"/api/v1/applications/{self.id}/{tail}"

    def post(self, action: str, account: Account, path: str, body=None, *, expect: int = 200,
             upload: dict | None = None) -> dict:
        """POST once, or twice with one key (a double click), and check the answer."""
        if self.run.stop.is_set():
            raise Stopped()
        self._check_offered(action, account)
        token, key = self.run.tokens[account.username], uuid.uuid4().hex

        def send():
            return self.run.http.send(action, "POST", path, token=token, body=body, upload=upload, key=key)

        roll = self.rng.random()
        if roll < P_DOUBLE_CLICK_AT_ONCE or (self.forced and action == "receive_materials"):
            answers = at_once([send, send])
            self._same_answer(action, answers, at_once=True)
        elif roll < P_DOUBLE_CLICK or (self.forced and action == "submit"):
            answers = [send(), send()]
            self._same_answer(action, answers, at_once=False)
        else:
            answers = [send()]
        answer = answers[0]
        if answer.status != expect:
            raise Unexpected(f"{action} on {self.id}: {answer.status} (expected {expect}): {str(answer.body)[:300]}")
        self._saw(account, answer.body)
        return answer.body

    def race(self, action: str, accounts: list[Account], path: str, body=None, expect: int = 200) -> dict:
        """Two people take the same action at the same moment, each with a key of their own."""
        if self.run.stop.is_set():
            raise Stopped()
        calls = [lambda a=account: self.run.http.send(action, "POST", path, token=self.run.tokens[a.username],
                                                       body=body, key=uuid.uuid4().hex) for account in accounts]
        answers = at_once(calls)
        self.run.recorder.count(f"race: {action}")
        statuses = sorted(a.status for a in answers)
        if statuses != sorted([expect, 409]):
            self.run.recorder.problem("race", f"{action} on {self.id}: answers {statuses}, expected one {expect} and "
                                              f"one 409")
        winner = next((i for i, a in enumerate(answers) if a.status == expect), None)
        if winner is None:
            raise Unexpected(f"{action} race on {self.id}: nobody won ({statuses})")
        self._saw(accounts[winner], answers[winner].body)
        return answers[winner].body

    def together(self) -> None:
        """Two people act on the application at the same moment, each action allowed whatever the other does (a
        clerk records a visit while the approver approves the step): both succeed, and the events stay in order."""
        if self.run.stop.is_set():
            raise Stopped()
        step = self.active_step()
        approver = self.desk.approvers[step["department"]]
        calls = [(self.desk.clerk, "record_visit", self.path("visits/"), {"purpose": "consult"}, 201),
                 (approver, "approve_step", self.path(f"steps/{step['id']}/approve/"), {"comment": "同意"}, 200)]
        answers = at_once([lambda c=call: self.run.http.send(c[1], "POST", c[2], token=self.run.tokens[c[0].username],
                                                              body=c[3], key=uuid.uuid4().hex) for call in calls])
        self.run.recorder.count("together: visit and approval")
        for (_account, action, _path, _body, expect), answer in zip(calls, answers, strict=True):
            if answer.status != expect:
                raise Unexpected(f"{action} on {self.id} beside another action: {answer.status} (expected {expect}): "
                                 f"{str(answer.body)[:300]}")
        self.get(approver)

    def get(self, account: Account) -> dict:
        if self.run.stop.is_set():
            raise Stopped()
        answer = self.run.http.send("detail", "GET", self.path(), token=self.run.tokens[account.username])
        if answer.status != 200:
            raise Unexpected(f"detail of {self.id}: {answer.status}: {str(answer.body)[:300]}")
        self._saw(account, answer.body)
        return answer.body

    def _same_answer(self, action: str, answers: list[Answer], *, at_once: bool) -> None:
        self.run.recorder.count("double click, both at once" if at_once else "double click, one after the other")
        first, second = answers
        replays = sorted(a.replayed for a in answers)
        if first.status != second.status or first.body != second.body:
            self.run.recorder.problem("double click", f"{action} on {self.id}: {first.status} then {second.status}, "
                                                      f"bodies {'equal' if first.body == second.body else 'differ'}")
        elif first.status < 300 and replays != [False, True]:
            self.run.recorder.problem("double click", f"{action} on {self.id}: replayed flags {replays}")

    def _saw(self, account: Account, body) -> None:
        """An application's representation: its allowed_actions must all be allowed by the state table."""
        if not (isinstance(body, dict) and "allowed_actions" in body):
            return
        view = SimpleNamespace(status=body["status"], suspended=body["suspended"])
        wrong = [action for action in body["allowed_actions"] if not states.can(view, action)]
        if wrong:
            self.run.recorder.problem("allowed_actions", f"{body['id']} is {body['status']} but offers {wrong}")
        self.id = body["id"]
        self.detail, self.seen_by = body, account.username
        self.run.last_status[self.id] = body["status"]

    def _check_offered(self, action: str, account: Account) -> None:
        """What this person last saw of the application must offer the action they take now."""
        transition = {"upload": "upload_material", "receive_materials": "receive_materials"}.get(action, action)
        if self.seen_by == account.username and transition in states.TRANSITIONS \
                and transition not in self.detail["allowed_actions"]:
            self.run.recorder.problem("allowed_actions", f"{self.id} ({self.detail['status']}) does not offer "
                                                         f"{transition} to {account.username}")

    def wait(self, what: str, account: Account | None, check) -> None:
        """Wait (bounded) for a supervision job to do something; `check` reads the detail, or the database when
        the API does not show it (account None)."""
        began = time.monotonic()
        while time.monotonic() < began + self.run.wait_seconds:
            if check(self.get(account) if account else None):
                self.run.recorder.count(f"seen: {what}")
                self.run.recorder.waited(what, time.monotonic() - began)
                return
            time.sleep(1)
        self.run.recorder.problem("supervision", f"{what} did not happen to {self.id} within "
                                                 f"{self.run.wait_seconds} s")

    # -- the steps of a lifecycle

    def submit(self, item: str, *, delivery: str = "electronic", at_window: bool = False) -> None:
        body = {"service_item": item, "channel": "online", "delivery_method": delivery,
                "form_data": {"soak": self.index}}
        if delivery == "mail":
            body["delivery_address"] = "示范区人民路 100 号"
        account = self.desk.citizen
        if at_window:
            citizen, account = self.desk.citizen, self.desk.clerk
            body.update(channel="window", applicant={"name": citizen.name, "id_number": citizen.id_number,
                                                     "phone": citizen.phone})
        self.post("submit", account, "/api/v1/applications/", body, expect=201)
        self.run.recorder.count(f"submitted: {self.kind}")

    def hand_in(self) -> None:
        items = [{"material": m["material"], "original": True, "copies": 1} for m in self.detail["missing_materials"]]
        if items:
            self.post("receive_materials", self.desk.clerk, self.path("materials/received/"), {"items": items})

    def upload_all(self) -> None:
        for material in list(self.detail["missing_materials"]):
            self.post("upload", self.desk.citizen, self.path("materials/"), upload={"material": material["material"]},
                      expect=201)

    def accept(self) -> None:
        if self.forced or self.rng.random() < P_RACE["accept"]:
            self.race("accept", [self.desk.clerk, self.other.clerk], self.path("accept/"))
        else:
            self.post("accept", self.desk.clerk, self.path("accept/"))

    def active_step(self) -> dict | None:
        return next((s for s in self.detail["steps"] if s["status"] == "active"), None)

    def approve_steps(self, *, stop_at: int | None = None) -> dict | None:
        """Approve each step in turn; with `stop_at`, stop when that step (by order) is the active one."""
        for _ in range(len(self.detail["steps"]) + 1):
            step = self.active_step()
            if step is None or step["order"] == stop_at:
                return step
            path = self.path(f"steps/{step['id']}/approve/")
            approver = self.desk.approvers[step["department"]]
            if self.forced or self.rng.random() < P_RACE["approve_step"]:
                self.race("approve_step", [approver, self.other.approvers[step["department"]]], path,
                          {"comment": "同意"})
            else:
                self.post("approve_step", approver, path, {"comment": "同意"})
        raise Unexpected(f"{self.id}: steps did not end ({[s['status'] for s in self.detail['steps']]})")

    def deliver(self, method: str | None = None) -> None:
        method = method or self.detail["delivery_method"]
        body = {"method": method, "reference": f"SF{self.index:010d}" if method == "mail" else ""}
        if self.forced or self.rng.random() < P_RACE["deliver"]:
            self.race("deliver", [self.desk.clerk, self.other.clerk], self.path("deliver/"), body)
        else:
            self.post("deliver", self.desk.clerk, self.path("deliver/"), body)

    def rate(self) -> None:
        bad = self.rng.random() < 0.1
        body = {"score": self.rng.choice([1, 2]) if bad else self.rng.choice([4, 5, 5]),
                "comment": "等待时间太长，材料要求说明不清" if bad else ""}
        self.post("rate", self.desk.citizen, self.path("rating/"), body, expect=201)

    def request_correction(self) -> None:
        material = (self.detail["missing_materials"] or [{"material": None}])[0]["material"]
        self.post("request_correction", self.desk.clerk, self.path("request-correction/"),
                  {"items": [{"material": material, "problem": "缺少盖章"}], "note": "请补正后在网上重新提交"})

    def resubmit(self) -> None:
        self.post("resubmit", self.desk.citizen, self.path("resubmit/"))

    # -- the plans

    def run_plan(self) -> None:
        if self.kind in LATE_KINDS:  # made now, so that the jobs find it while the load runs
            self.kind, self.id, self.department = self.run.late_maker().make(self.kind, self.desk)
            self.run.begun_in_the_past(self.kind, self.id)
        getattr(self, f"plan_{self.kind}")()

    def _review_and_close(self) -> None:
        self.approve_steps()
        self.deliver()
        self.rate()

    def plan_approve(self) -> None:
        self.submit(self.run.pick_item(self.rng), delivery=self.rng.choice(["electronic", "electronic", "mail",
                                                                              "window"]))
        self.hand_in()
        self.accept()
        if self.forced or self.rng.random() < P_TOGETHER:
            self.together()
        self._review_and_close()

    def plan_upload(self) -> None:
        self.submit(self.run.pick_item(self.rng))
        self.upload_all()
        self.accept()
        self._review_and_close()

    def plan_window(self) -> None:
        self.submit(self.run.pick_item(self.rng), delivery="window", at_window=True)
        self.hand_in()
        self.accept()
        self._review_and_close()

    def plan_instant(self) -> None:
        self.submit(self.rng.choice(self.run.instant_items))
        self.hand_in()
        self.accept()
        if self.detail["status"] != "approved":
            raise Unexpected(f"instant item {self.id} is {self.detail['status']} after acceptance")
        self.deliver()
        self.rate()

    def plan_correction(self) -> None:
        self.submit(self.run.pick_item(self.rng))
        self.request_correction()
        self.resubmit()
        self.hand_in()
        self.accept()
        self._review_and_close()

    def plan_reject(self) -> None:
        self.submit(self.run.pick_item(self.rng))
        self.post("reject", self.desk.clerk, self.path("reject/"), {"reason": "不属于本机关职权范围"})
        self.rate()

    def plan_deny(self) -> None:
        self.submit(self.run.pick_item(self.rng))
        self.hand_in()
        self.accept()
        step = self.approve_steps(stop_at=self.rng.randint(1, len(self.detail["steps"])))
        self.post("deny_step", self.desk.approvers[step["department"]], self.path(f"steps/{step['id']}/deny/"),
                  {"reason": "现场核查不符合许可条件"})
        if self.rng.random() < 0.5:
            self.deliver()
        self.rate()

    def plan_suspend(self) -> None:
        self.submit(self.run.pick_item(self.rng))
        self.hand_in()
        self.accept()
        approver = self.desk.approvers[self.active_step()["department"]]
        kind = self.rng.choice(["hearing", "testing", "inspection", "expert_review", "public_notice"])
        self.post("suspend", approver, self.path("suspend/"), {"kind": kind, "reason": "需现场勘查"})
        self.post("resume", approver, self.path("resume/"))
        self._review_and_close()

    def plan_extend(self) -> None:
        self.submit(self.run.pick_item(self.rng))
        self.hand_in()
        self.accept()
        self.post("extend", self.desk.manager, self.path("extend/"), {"days": 5, "reason": "需组织专家论证"})
        self._review_and_close()

    def plan_withdraw(self) -> None:
        self.submit(self.run.pick_item(self.rng))
        if self.rng.random() < 0.5:
            self.hand_in()
            self.accept()
        self.post("withdraw", self.desk.citizen, self.path("withdraw/"), {"reason": "不再需要办理"})

    def wait_for_alert(self, account: Account, level: str) -> None:
        """The alert of this case's step at `level` shows in the alerts `account` sees (the newest hundred)."""
        def alerted(_):
            answer = self.run.http.send("list_alerts", "GET", f"/api/v1/alerts/?level={level}&page_size=100",
                                        token=self.run.tokens[account.username])
            return answer.status == 200 and any(a["application"] == self.id and a["step"] is not None
                                                for a in answer.body["results"])
        self.wait(f"step alert {level}", None, alerted)

    def _flagged(self, flag: str) -> None:
        """A step that began in the past: the sweep flags it and raises its alert; its approver sees both and
        acts."""
        approver = self.desk.approvers[self.department]
        order = {"normal": 0, "warning": 1, "overdue": 2}
        self.wait(f"step flagged {flag}", approver,
                  lambda d: (s := next((s for s in d["steps"] if s["status"] == "active"), None)) is not None
                  and order[s["flag"]] >= order[flag])
        self.wait_for_alert(approver, flag)
        if flag == "overdue" and self.rng.random() < 0.5:
            self.post("extend", self.desk.manager, self.path("extend/"), {"days": 3, "reason": "超期，报请延期"})
        self._review_and_close()

    def plan_overdue(self) -> None:
        self._flagged("overdue")

    def plan_warning(self) -> None:
        self._flagged("warning")

    def plan_deemed(self) -> None:
        approver = self.desk.approvers[self.department]
        self.wait("deemed accepted", approver, lambda d: d["status"] == "accepted" and d["deemed_accepted"])
        if self.detail["status"] == "submitted":  # the job never came: the clerk decides, late
            self.hand_in()
            self.accept()
        else:  # accepted as of its receipt, its first step is already late: the approver is told
            self.wait_for_alert(approver, "overdue")
            self.get(approver)
        self._review_and_close()

    def plan_reminded(self) -> None:
        self.wait("correction reminder", None,
                  lambda _: CorrectionNotice.objects.filter(application_id=self.id, reminded_at__isnull=False).exists())
        self.get(self.desk.citizen)
        self.resubmit()
        self.hand_in()
        self.accept()
        self._review_and_close()

    def plan_late_delivery(self) -> None:
        self.wait("delivery flagged late", None,
                  lambda _: Application.objects.filter(pk=self.id, delivery_flagged_at__isnull=False).exists())
        self.get(self.desk.clerk)
        self.deliver()
        self.rate()


# ---- the run ---------------------------------------------------------------------------------------------


class Run:
    """What the clients share: the server, the tokens, the plan, the record."""

    def __init__(self, *, base: str, desks: list[Desk], kinds: list[str], items: list[str], instant_items: list[str],
                 seed: int, wait_seconds: int):
        self.recorder = Recorder()
        self.http = Http(base, self.recorder)
        self.desks, self.kinds = desks, kinds
        self.late: dict[str, set[int]] = defaultdict(set)  # kind -> the late cases made
        self._local = threading.local()
        self.items, self.instant_items, self.seed, self.wait_seconds = items, instant_items, seed, wait_seconds
        self.tokens: dict[str, str] = {}
        self.stop = threading.Event()
        self.last_status: dict[int, str] = {}  # application id -> the status the API last answered
        self.finished: Counter = Counter()
        self.cut_short: Counter = Counter()
        self._next, self._lock = 0, threading.Lock()

    def late_maker(self) -> LateMaker:
        if not hasattr(self._local, "maker"):
            self._local.maker = LateMaker()
        return self._local.maker

    def begun_in_the_past(self, kind: str, application_id: int) -> None:
        with self._lock:
            self.late[kind].add(application_id)

    def pick_item(self, rng: random.Random) -> str:
        return rng.choice(self.items)

    def sign_in(self, tokens: dict[str, str]) -> None:
        """The accounts without a token sign in over the API, as many at once as there are desks."""
        self.tokens.update(tokens)
        accounts = {a.username: a for desk in self.desks
                    for a in [desk.citizen, desk.clerk, desk.manager, *desk.approvers.values()]
                    if a.username not in tokens}

        def sign_in(account: Account) -> None:
            answer = self.http.send("sign_in", "POST", "/api/v1/auth/token/",
                                    body={"username": account.username, "password": account.password})
            if answer.status != 200:
                raise RuntimeError(f"sign-in of {account.username}: {answer.status} {answer.body}")
            self.tokens[account.username] = answer.body["token"]

        with ThreadPoolExecutor(max_workers=max(1, len(self.desks))) as pool:
            list(pool.map(sign_in, accounts.values()))

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= len(self.kinds) or self.stop.is_set():
                return None
            self._next += 1
            return self._next - 1

    def client(self) -> None:
        from django.db import connection

        try:
            while (index := self._take()) is not None:
                desks = self.desks
                case = Case(self, index, self.kinds[index], desks[index % len(desks)],
                            desks[(index + 1) % len(desks)])
                try:
                    case.run_plan()
                except Unexpected as error:
                    self.recorder.problem("unexpected answer", str(error))
                    self.cut_short[case.kind] += 1
                except Stopped:
                    self.cut_short[case.kind] += 1
                else:
                    with self._lock:
                        self.finished[case.kind] += 1
        finally:
            connection.close()  # the late cases' writes and the database reads of the waits

    def supervisor_desk(self, manager: Account) -> None:
        """A manager watching the alerts and the rectifications: acknowledges each alert, answers each bad
        rating, every two seconds, until the clients are done."""
        token = self.tokens[manager.username]
        while not self.stop.wait(2):
            answer = self.http.send("list_alerts", "GET", "/api/v1/alerts/?acknowledged=false", token=token)
            for alert in answer.body.get("results", []) if answer.status == 200 else []:
                self._expect(self.http.send("acknowledge_alert", "POST", f"/api/v1/alerts/{alert['id']}/acknowledge/",
                                            token=token, key=uuid.uuid4().hex), "acknowledge_alert")
            answer = self.http.send("list_rectifications", "GET", "/api/v1/rectifications/?status=open", token=token)
            for rectification in answer.body.get("results", []) if answer.status == 200 else []:
                self._expect(self.http.send("answer_rectification", "POST",
                                            f"/api/v1/rectifications/{rectification['id']}/answer/", token=token,
                                            body={"answer": "已核实并整改，向申请人致歉"}, key=uuid.uuid4().hex),
                             "answer_rectification")

    def _expect(self, answer: Answer, action: str) -> None:
        if answer.status == 200:
            self.recorder.count(action)
        else:
            self.recorder.problem("unexpected answer", f"{action}: {answer.status}: {str(answer.body)[:200]}")
