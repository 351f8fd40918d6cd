package verdict_test

import (
	"errors"
	"fmt"
	"log"

	"verdict.dev/verdict"
)

func ExampleLoad() {
	// The shipped quality-complaints set (the path is from bindings/go, where the tests run).
	policy, err := verdict.Load("../../policies/quality-complaints")
	if err != nil {
		log.Fatal(err) // a *verdict.PolicyError has each error at file:line:column
	}
	defer policy.Close()

	complaint := []byte(`{"id": "Q-2026-0042", "received_at": "2026-03-02T09:15:00+08:00",
		"region": "Henan", "branch": "Luoyang", "problem": "fly", "eaten": true,
		"adverse_reaction": true, "hospitalised": true, "media_involved": false,
		"government_involved": false, "excessive_demand": false, "food_poisoning": false,
		"batch_problem": false, "cost": "1200.00"}`)
	decision, err := policy.Decide(complaint, verdict.WithWhyNot("approver=branch_manager"), verdict.WithLang("en"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(decision.Policy.Name, decision.Policy.Version)
	fmt.Println("tier", decision.Outputs["tier"], "approved by", decision.Outputs["approver"])
	fmt.Print(decision.WhyNotText)

	// A case the set cannot decide is refused with each problem named.
	_, err = policy.Decide([]byte(`{"id": "Q-2026-0043", "cost": 12.5}`))
	var refused *verdict.CaseError
	if errors.As(err, &refused) {
		fmt.Println(len(refused.Problems), "problems, the first:", refused.Problems[0].Field, refused.Problems[0].Code)
	}
	// Output:
	// quality-complaints 1.0.0
	// tier 3 approved by head_office
	// Case Q-2026-0042 — policy quality-complaints 1.0.0 (effective 2011-06-12)
	//
	// Why not approver = branch_manager (branch manager)?
	//   approver (approves) is head_office (head office) in this case.
	//   It would be branch_manager (branch manager) if
	//     handling cost incl. compensation (yuan) [cost] ≤ 300.00 (it is 1,200.00)
	// 12 problems, the first: received_at missing-field
}
