package verdict

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Decision is the answer about one case.
type Decision struct {
	// Case is the case's id ("" when it has none).
	Case string `json:"case"`
	// Policy is the version that decided.
	Policy PolicyIdentity `json:"policy"`
	// Outputs are the decided values by output name. Numbers are json.Number, exact as the library
	// wrote them (money is a string such as "1200.00", never a float); lists are []any; an output no
	// rule set is absent.
	Outputs map[string]any `json:"outputs"`
	// Now is the instant the clocks were judged at (WithNow), "" without it.
	Now string `json:"now,omitempty"`
	// Clocks are the SLA clocks that started, by name.
	Clocks map[string]Clock `json:"clocks,omitempty"`
	// Explanation is the explanation's JSON (WithExplain).
	Explanation json.RawMessage `json:"explanation,omitempty"`
	// ExplanationText is the explanation for people in the language asked (WithLang).
	ExplanationText string `json:"explanation_text,omitempty"`
	// WhyNot answers the "why not?" questions (WithWhyNot), in order.
	WhyNot []WhyNot `json:"why_not,omitempty"`
	// WhyNotText is those answers for people, in the language asked (WithLang).
	WhyNotText string `json:"why_not_text,omitempty"`
	// JSON is the answer exactly as the library wrote it.
	JSON []byte `json:"-"`

	policy   *Policy
	caseJSON []byte
	options  options
}

// Clock is an SLA clock's state; instants are RFC 3339 with the policy's offset, durations as
// "59d22h45m".
type Clock struct {
	Status    string `json:"status,omitempty"` // with WithNow: pending, at_risk, breached, met, met_late, not_started
	Start     string `json:"start"`
	Due       string `json:"due"`
	AtRisk    string `json:"at_risk,omitempty"`
	Agreed    string `json:"agreed,omitempty"`
	StoppedAt string `json:"stopped_at,omitempty"`
	Remaining string `json:"remaining,omitempty"`
	Overdue   string `json:"overdue,omitempty"`
	Calendar  string `json:"calendar,omitempty"`
}

// WhyNot is the answer to one "why not?" question.
type WhyNot struct {
	Question string `json:"question"`
	Output   string `json:"output"`
	// Outcome is e.g. "changes" (Alternatives say what would change it).
	Outcome string `json:"outcome"`
	// Current is the output's value in this case (json.Number for numbers).
	Current any `json:"current"`
	// Target is the value asked about, as JSON.
	Target json.RawMessage `json:"target,omitempty"`
	// Alternatives are the smallest changes of the case that give the target, as JSON.
	Alternatives json.RawMessage `json:"alternatives,omitempty"`
	// Text is the answer for people, by language ("en", "zh").
	Text map[string]string `json:"text,omitempty"`
}

// parseDecision reads an answer into a Decision: by readDecision (decision_reader.go) when the answer
// has the shape the library writes, else by encoding/json, whose result it gives in every case.
func parseDecision(out []byte) (*Decision, error) {
	d := &Decision{JSON: out}
	if readDecision(out, d) {
		return d, nil
	}
	*d = Decision{JSON: out}
	decoder := json.NewDecoder(bytes.NewReader(out))
	decoder.UseNumber()
	if err := decoder.Decode(d); err != nil {
		return nil, errors.New("verdict: the library's answer is not the expected JSON: " + err.Error())
	}
	return d, nil
}

// Text is the decision, with its explanation and any why-not answers, as text for people in a language
// ("en" or "zh"). It asks the Policy again with the same case and options, so the Policy must still be
// open (ErrClosed otherwise).
func (d *Decision) Text(lang string) (string, error) {
	if d.policy == nil {
		return "", errors.New("verdict: this Decision was not made by Policy.Decide")
	}
	o := d.options
	o.Lang = lang
	o.Format = "text"
	o.WhyNot = append([]string(nil), d.options.WhyNot...)
	out, err := d.policy.decide(nil, d.caseJSON, &o)
	if err != nil {
		return "", err
	}
	return string(out), nil
}
