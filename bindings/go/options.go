package verdict

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// Option adds to what a decision answers.
type Option func(*options)

// Detail is how much an explanation records.
type Detail string

const (
	Compact Detail = "compact" // the rules that decided and the conditions that failed
	Full    Detail = "full"    // every rule evaluated and every value it read
)

type options struct {
	Explain string   `json:"explain,omitempty"`
	Lang    string   `json:"lang,omitempty"`
	Now     string   `json:"now,omitempty"`
	WhyNot  []string `json:"why_not,omitempty"`
	Format  string   `json:"format,omitempty"`
}

// WithExplain adds the explanation (Decision.Explanation): which rules matched, which failed and why.
func WithExplain(detail Detail) Option { return func(o *options) { o.Explain = string(detail) } }

// WithLang adds the explanation as text for people in a language, "en" or "zh"
// (Decision.ExplanationText, and Decision.WhyNotText with WithWhyNot).
func WithLang(lang string) Option { return func(o *options) { o.Lang = lang } }

// WithNow judges the SLA clocks at this instant (met, breached, at risk…), and picks the version by
// it when the set names no effective_by field. Without it, clocks give deadlines only.
func WithNow(t time.Time) Option {
	return func(o *options) { o.Now = t.Format(time.RFC3339Nano) }
}

// WithWhyNot asks "why not?" questions such as "approver=branch_manager": what in the case would have
// to change for an output to take that value (Decision.WhyNot).
func WithWhyNot(questions ...string) Option {
	return func(o *options) { o.WhyNot = append(o.WhyNot, questions...) }
}

// encode is the options as NUL-terminated JSON for the library, or nil when there are none.
func (o *options) encode() ([]byte, error) {
	if o.Explain == "" && o.Lang == "" && o.Now == "" && len(o.WhyNot) == 0 && o.Format == "" {
		return nil, nil
	}
	return marshalOptions(*o)
}

// marshalOptions takes a copy, so that only calls with options allocate one.
func marshalOptions(o options) ([]byte, error) {
	// encoding/json would replace bytes that are not UTF-8 without a word: refuse them instead.
	check := func(option, value string) error {
		if !utf8.ValidString(value) {
			return &ArgumentError{Message: fmt.Sprintf("option %s is not UTF-8: %q", option, value)}
		}
		return nil
	}
	if err := check("lang", o.Lang); err != nil {
		return nil, err
	}
	if err := check("explain", o.Explain); err != nil {
		return nil, err
	}
	for _, q := range o.WhyNot {
		if err := check("why_not", q); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(&o)
	if err != nil {
		return nil, err
	}
	return append(b, 0), nil
}
