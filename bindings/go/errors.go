package verdict

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrClosed is returned by a call on a Policy that was closed (or a Decision's Text after its Policy
// was): check with errors.Is.
var ErrClosed = errors.New("verdict: the policy set is closed")

// LibraryError: libverdict.so could not be opened or is not a Verdict library.
type LibraryError struct {
	Path   string // the path or name that was tried
	Reason string // the loader's own words, or the function that is missing
}

func (e *LibraryError) Error() string {
	return fmt.Sprintf("verdict: cannot use the library %s: %s", e.Path, e.Reason)
}

// ABIError: libverdict.so implements another version of the C interface than this package.
type ABIError struct {
	Path    string
	Library uint32 // verdict_abi_version() of the library
	Binding uint32 // ABIVersion of this package
}

func (e *ABIError) Error() string {
	return fmt.Sprintf("verdict: %s has ABI version %d, this Go package was written for ABI version %d: use a matching libverdict.so and package",
		e.Path, e.Library, e.Binding)
}

// Diagnostic is one finding about a policy set, at a file, line and column.
type Diagnostic struct {
	Severity string   `json:"severity"` // "error" or "warning"
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Help     string   `json:"help,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s:%d:%d: %s: %s", d.File, d.Line, d.Column, d.Severity, d.Message)
	if d.Help != "" {
		s += " (help: " + d.Help + ")"
	}
	return s
}

// PolicyError: the policy set did not load. Diagnostics locate each error; Text is the same as
// `verdict check` prints it, with the source lines.
type PolicyError struct {
	Path        string
	Message     string
	Diagnostics []Diagnostic
	Text        string
}

func (e *PolicyError) Error() string {
	var b strings.Builder
	b.WriteString("verdict: ")
	b.WriteString(e.Message)
	n := 0
	for _, d := range e.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		if n == 3 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; ")
		b.WriteString(d.String())
		n++
	}
	return b.String()
}

// PolicyIdentity names the version of a policy set that decided (or refused) a case.
type PolicyIdentity struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Effective string `json:"effective"` // a date, YYYY-MM-DD
	Digest    string `json:"digest"`    // "sha256:…" of the version's files
}

// Problem is one reason a case was refused.
type Problem struct {
	Field   string `json:"field,omitempty"` // the case field, "" when the case as a whole is wrong
	Code    string `json:"code"`            // e.g. "missing-field", "wrong-type", "json-syntax"
	Message string `json:"message"`
	Help    string `json:"help,omitempty"`
}

// CaseError: the case was refused — not JSON, not an object, a field missing or malformed, a date
// before every version. Policy is the version that judged it (empty when none could).
type CaseError struct {
	Message  string
	Case     string // the case's id, "" when it has none
	Problems []Problem
	Policy   PolicyIdentity
}

func (e *CaseError) Error() string {
	var b strings.Builder
	b.WriteString("verdict: case ")
	if e.Case != "" {
		b.WriteString(e.Case + " ")
	}
	b.WriteString("refused: ")
	b.WriteString(e.Message)
	if len(e.Problems) > 1 || (len(e.Problems) == 1 && e.Problems[0].Message != e.Message) {
		for i, p := range e.Problems {
			if i == 3 {
				b.WriteString("; …")
				break
			}
			b.WriteString("; ")
			if p.Field != "" {
				b.WriteString(p.Field + ": ")
			}
			b.WriteString(p.Message)
		}
	}
	return b.String()
}

// RequestError: the options of a call cannot be read — a bad value, a why-not question the set cannot
// read, an unknown version. Option names the option at fault.
type RequestError struct {
	Message string
	Option  string
}

func (e *RequestError) Error() string { return "verdict: " + e.Message }

// ArgumentError: an argument the library cannot take, such as a text that is not UTF-8 or holds a NUL.
type ArgumentError struct {
	Message string
}

func (e *ArgumentError) Error() string { return "verdict: " + e.Message }

// errorJSON is every field of the library's error answers.
type errorJSON struct {
	Error       string         `json:"error"`
	Message     string         `json:"message"`
	Diagnostics []Diagnostic   `json:"diagnostics"`
	Text        string         `json:"text"`
	Case        *string        `json:"case"`
	Problems    []Problem      `json:"problems"`
	Policy      PolicyIdentity `json:"policy"`
	Option      string         `json:"option"`
}

// Status codes of verdict.h.
const (
	statusOK       = 0
	statusPolicy   = 1
	statusCase     = 2
	statusRequest  = 3
	statusHandle   = 4
	statusArgument = 5
	statusSpace    = 6 // verdict_decide_into's buffer was too short; never returned to callers
)

// errorFrom turns a status and the library's error JSON into the Go error of that kind.
func errorFrom(status int, body []byte, path string) error {
	var e errorJSON
	if err := json.Unmarshal(body, &e); err != nil {
		e.Message = fmt.Sprintf("status %d, and an error that is not JSON (%v): %q", status, err, body)
	}
	switch status {
	case statusPolicy:
		return &PolicyError{Path: path, Message: e.Message, Diagnostics: e.Diagnostics, Text: e.Text}
	case statusCase:
		c := ""
		if e.Case != nil {
			c = *e.Case
		}
		return &CaseError{Message: e.Message, Case: c, Problems: e.Problems, Policy: e.Policy}
	case statusRequest:
		return &RequestError{Message: e.Message, Option: e.Option}
	case statusHandle:
		return ErrClosed
	case statusArgument:
		return &ArgumentError{Message: e.Message}
	}
	return fmt.Errorf("verdict: unknown status %d: %s", status, e.Message)
}
