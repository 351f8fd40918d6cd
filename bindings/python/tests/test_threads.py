"""One policy from many threads: every answer the same as one thread's, across a close() race too."""

from __future__ import annotations

import ctypes
import json
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import verdict
from verdict import _library
from conftest import QUALITY

REGIONS = ["Henan", "Shaanxi", "Ningxia", "河南省"]
BRANCHES = ["Zhengzhou", "Luoyang", "Xi'an"]
PROBLEMS = ["fly", "mould", "needle", "broken_pack", "other_minor"]


def generated_cases(count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        cases.append({
            "id": f"T-{index}",
            "received_at": f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T09:15:00+08:00",
            "region": rng.choice(REGIONS), "branch": rng.choice(BRANCHES), "problem": rng.choice(PROBLEMS),
            "eaten": rng.random() < 0.5, "adverse_reaction": rng.random() < 0.3, "hospitalised": rng.random() < 0.1,
            "media_involved": rng.random() < 0.1, "government_involved": rng.random() < 0.1,
            "excessive_demand": rng.random() < 0.2, "food_poisoning": rng.random() < 0.05,
            "batch_problem": rng.random() < 0.05,
            "cost": Decimal(rng.randint(0, 200_000)) / 100,
        })
    return cases


def test_many_threads_answer_as_one_thread() -> None:
    cases = generated_cases(200, seed=31)
    with verdict.Policy.load(QUALITY) as policy:
        expected = [policy.decide(c, explain="compact", why_not=["approver=branch_manager"]).json for c in cases]
        assert len(set(expected)) > 50  # the cases decide differently

        def run(worker: int) -> list[int]:
            order = list(range(len(cases)))
            random.Random(worker).shuffle(order)
            return [i for i in order
                    if policy.decide(cases[i], explain="compact", why_not=["approver=branch_manager"]).json != expected[i]]

        with ThreadPoolExecutor(max_workers=8) as pool:
            differing = [i for found in pool.map(run, range(8)) for i in found]
        assert differing == []


def test_closing_while_other_threads_decide(case: dict[str, Any]) -> None:
    policy = verdict.Policy.load(QUALITY)
    expected = policy.decide(case).json
    outcomes: list[str] = []
    lock = threading.Lock()
    started = threading.Barrier(5)

    def decide_until_closed() -> None:
        started.wait()
        while True:
            try:
                answer = policy.decide(case).json
            except verdict.ClosedPolicyError:
                with lock:
                    outcomes.append("closed")
                return
            if answer != expected:
                with lock:
                    outcomes.append("different")
                return

    threads = [threading.Thread(target=decide_until_closed) for _ in range(4)]
    for thread in threads:
        thread.start()
    started.wait()
    policy.close()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == ["closed"] * 4
    assert verdict.live_handles() == 0


def test_answers_longer_than_the_thread_buffer(case: dict[str, Any]) -> None:
    """verdict_decide_into's retry: an answer longer than the thread's buffer (16 KiB at first), one
    past what a thread keeps (1 MiB), then short answers again, each the same as verdict_decide's."""
    with verdict.Policy.load(QUALITY) as policy:
        short = policy.decide(case).json
        for size in (20_000, 300_000, 1_500_000):
            long_case = dict(case, id="L" * size)
            decision = policy.decide(long_case)
            assert len(decision.json) > size and decision.case_id == "L" * size
            assert decision.outputs["approver"] == "head_office"
            # The same bytes the library's malloc'd answer holds.
            lib, data = _library.library(), json.dumps(long_case).encode()
            out, length = ctypes.c_void_p(None), ctypes.c_size_t(0)
            assert lib.verdict_decide(policy._live_handle(), data, len(data), None, ctypes.byref(out), ctypes.byref(length)) == 0
            assert policy.decide(data).json == _library.take_text(lib, out, length.value)
            assert policy.decide(case).json == short


def test_threads_keep_their_own_buffers(case: dict[str, Any]) -> None:
    """Threads deciding long and short answers at once each read only their own answers."""
    with verdict.Policy.load(QUALITY) as policy:
        cases = [dict(case, id=f"T{worker}-" + "x" * (worker * 9_000)) for worker in range(6)]
        expected = [policy.decide(c).json for c in cases]

        def run(worker: int) -> int:
            order = [worker, (worker + 1) % 6, worker, (worker + 3) % 6] * 40
            return sum(policy.decide(cases[i]).json != expected[i] for i in order)

        with ThreadPoolExecutor(max_workers=6) as pool:
            assert sum(pool.map(run, range(6))) == 0
