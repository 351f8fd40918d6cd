"""One policy from many threads: every answer the same as one thread's, across a close() race too."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import verdict
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
