"""The binding's API over the quality-complaints sets: load, decide, explain, why-not, info, schema."""

from __future__ import annotations

import datetime as dt
import gc
import json
from decimal import Decimal
from typing import Any

import pytest

import verdict
from conftest import AMENDED, HENAN, QUALITY


def test_engine_version_and_no_handles_left() -> None:
    assert verdict.engine_version().count(".") == 2
    assert verdict.live_handles() == 0


def test_decide_a_dict_str_and_bytes_alike(policy: verdict.Policy, case: dict[str, Any]) -> None:
    from_dict = policy.decide(case)
    from_str = policy.decide(HENAN.read_text(encoding="utf-8"))
    from_bytes = policy.decide(HENAN.read_bytes())
    assert from_dict.json == from_str.json == from_bytes.json
    assert from_dict.outputs["approver"] == "head_office"
    assert from_dict.outputs["tier"] == 3
    assert from_dict.outputs["signers"] == ["handler", "bu_finance_head", "branch_manager", "division_manager"]
    assert from_dict.case_id == "Q-2026-0042"
    assert from_dict.explanation is None and from_dict.why_not == [] and from_dict.explanation_text is None
    assert from_dict.clocks["first_contact"]["due"] == "2026-03-02T10:15:00+08:00"


def test_the_answer_is_the_command_lines_json(policy: verdict.Policy, case: dict[str, Any]) -> None:
    decision = policy.decide(case)
    assert json.loads(decision.json)["outputs"] == decision.outputs
    assert decision.data["policy"]["name"] == "quality-complaints"


def test_policy_identity(policy: verdict.Policy, case: dict[str, Any]) -> None:
    identity = policy.decide(case).policy
    assert identity == verdict.PolicyIdentity(
        name="quality-complaints", version="1.0.0", effective="2011-06-12", digest=identity.digest)
    assert identity.digest.startswith("sha256:") and len(identity.digest) == 7 + 64


def test_decimal_and_datetime_values_in_a_case(policy: verdict.Policy, case: dict[str, Any]) -> None:
    exact = dict(case, cost=Decimal("300.00"), received_at=dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    assert policy.decide(exact).outputs["approver"] == "branch_manager"
    assert policy.decide(dict(case, cost=Decimal("300.01"))).outputs["approver"] == "division_manager"


def test_explain_full_and_compact(policy: verdict.Policy, case: dict[str, Any]) -> None:
    full = policy.decide(case, explain=True).explanation
    compact = policy.decide(case, explain="compact").explanation
    assert full is not None and compact is not None
    assert "detail" not in full and compact["detail"] == "compact"
    assert [d["decision"] for d in full["decisions"]][0] == "tier"
    assert policy.decide(case, explain="full").explanation == full


def test_text_in_english_and_chinese(policy: verdict.Policy, case: dict[str, Any]) -> None:
    decision = policy.decide(case)
    english = decision.text()
    assert english.startswith("Case Q-2026-0042 — policy quality-complaints 1.0.0")
    assert "Decision 1: Classification tier [tier]" in english
    chinese = decision.text("zh")
    assert "案件 Q-2026-0042" in chinese and "决策 1" in chinese
    assert policy.decide(case, lang="zh").explanation_text == chinese


def test_why_not(policy: verdict.Policy, case: dict[str, Any]) -> None:
    decision = policy.decide(case, why_not=["approver=branch_manager"])
    (answer,) = decision.why_not
    assert answer["question"] == "approver=branch_manager"
    assert answer["current"] == "head_office" and answer["outcome"] == "changes"
    change = answer["alternatives"][0]["changes"][0]
    assert change["field"] == "cost" and change["nearest"] == "300.00"
    assert policy.decide(case, why_not="approver=branch_manager").why_not == decision.why_not
    assert "Why not approver = branch_manager" in decision.text()


def test_now_judges_clocks(policy: verdict.Policy, case: dict[str, Any]) -> None:
    late = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    by_datetime = policy.decide(dict(case, resolved_at=None, last_contact_at=None), now=late)
    by_text = policy.decide(dict(case, resolved_at=None, last_contact_at=None), now="2026-03-02T12:00:00+08:00")
    assert by_datetime.json == by_text.json
    assert by_datetime.clocks != policy.decide(dict(case, resolved_at=None, last_contact_at=None)).clocks


def test_info_and_schema(policy: verdict.Policy) -> None:
    info = policy.info
    assert info["name"] == "quality-complaints" and info["effective_by"] == "received_at"
    assert [v["version"] for v in info["versions"]] == ["1.0.0"]
    assert info["abi"] == 1
    schema = policy.schema()
    assert schema["type"] == "object" and "cost" in schema["properties"]
    assert policy.schema("1.0.0") == schema
    assert policy.warnings == []


def test_a_set_with_versions_decides_by_the_cases_date() -> None:
    with verdict.Policy.load(AMENDED) as amended:
        assert [v["version"] for v in amended.info["versions"]] == ["1.0.0", "2.0.0"]
        before = amended.decide((AMENDED / "examples" / "amount-400-2026-12-31.json").read_bytes())
        after = amended.decide((AMENDED / "examples" / "amount-400-2027-01-01.json").read_bytes())
        assert (before.policy.version, after.policy.version) == ("1.0.0", "2.0.0")
        assert before.outputs["approver"] == "division_manager"
        assert after.outputs["approver"] == "branch_manager"
        assert amended.schema("2.0.0")["type"] == "object"


def test_close_twice_and_context_manager(case: dict[str, Any]) -> None:
    policy = verdict.Policy.load(QUALITY)
    assert verdict.live_handles() == 1 and not policy.closed
    policy.close()
    policy.close()
    assert policy.closed and verdict.live_handles() == 0
    with verdict.Policy.load(str(QUALITY)) as scoped:
        scoped.decide(case)
    assert scoped.closed and verdict.live_handles() == 0


def test_a_forgotten_policy_is_freed_when_collected(case: dict[str, Any]) -> None:
    policy = verdict.Policy.load(QUALITY)
    decision = policy.decide(case)
    assert verdict.live_handles() == 1
    del policy
    gc.collect()
    assert verdict.live_handles() == 1  # the decision keeps its policy, for text()
    assert decision.text().startswith("Case Q-2026-0042")
    del decision
    gc.collect()
    assert verdict.live_handles() == 0
