package verdict

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// readDecision fills d from an answer of the shape the library writes, without reflection: it is
// Decide's cost over DecideJSON (encoding/json took about five times the decision itself). It gives up
// — returns false, and the caller decodes with encoding/json instead — on anything it does not read
// exactly as encoding/json would: a null where a string or object is expected, a member of another
// case that encoding/json would match to a field (it matches names without regard to case), a string
// that is not UTF-8 or holds a lone surrogate, malformed JSON, or more than maxDepth levels of nesting.
// So Decide's result is encoding/json's in every case (TestDecisionReader compares the two).
func readDecision(b []byte, d *Decision) bool {
	// Every string read is a part of one copy of the whole answer (one allocation, not one each),
	// unless it holds an escape.
	r := reader{b: b, s: string(b)}
	r.space()
	if !r.take('{') {
		return false
	}
	r.space()
	if r.take('}') {
		return r.end()
	}
	for {
		key, ok := r.string()
		if !ok || !r.colon() {
			return false
		}
		switch key {
		case "case":
			d.Case, ok = r.string()
		case "policy":
			ok = r.identity(&d.Policy)
		case "outputs":
			if d.Outputs != nil { // encoding/json would merge a second "outputs" into the first
				return false
			}
			var v map[string]any
			v, ok = r.object(0)
			d.Outputs = v
		case "now":
			d.Now, ok = r.string()
		case "clocks":
			ok = d.Clocks == nil && r.clocks(&d.Clocks)
		case "explanation":
			var raw []byte
			raw, ok = r.raw()
			ok = ok && raw[0] != 'n' // null: left to encoding/json
			d.Explanation = append(json.RawMessage(nil), raw...)
		case "explanation_text":
			d.ExplanationText, ok = r.string()
		case "why_not":
			// Rare (asked for with WithWhyNot) and nested: encoding/json reads this part.
			var raw []byte
			if raw, ok = r.raw(); ok {
				decoder := json.NewDecoder(bytes.NewReader(raw))
				decoder.UseNumber()
				ok = d.WhyNot == nil && raw[0] == '[' && decoder.Decode(&d.WhyNot) == nil
			}
		case "why_not_text":
			d.WhyNotText, ok = r.string()
		default:
			if foldsTo(key, decisionMembers) {
				return false
			}
			_, ok = r.raw()
		}
		if !ok {
			return false
		}
		r.space()
		if r.take(',') {
			r.space()
			continue
		}
		return r.take('}') && r.end()
	}
}

// The members encoding/json matches to Decision's, Clock's and PolicyIdentity's fields.
var (
	decisionMembers = []string{"case", "policy", "outputs", "now", "clocks", "explanation", "explanation_text", "why_not", "why_not_text"}
	clockMembers    = []string{"status", "start", "due", "at_risk", "agreed", "stopped_at", "remaining", "overdue", "calendar"}
	identityMembers = []string{"name", "version", "effective", "digest"}
)

// foldsTo is whether encoding/json could match key to one of the names (it compares without regard to
// case, including the Kelvin sign and long s, so any non-ASCII key counts).
func foldsTo(key string, names []string) bool {
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, n := range names {
		if strings.EqualFold(key, n) {
			return true
		}
	}
	return false
}

// maxDepth is the deepest nesting readDecision reads (encoding/json reads to 10,000).
const maxDepth = 200

type reader struct {
	b []byte
	s string // b as a string
	i int
}

func (r *reader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *reader) take(c byte) bool {
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

func (r *reader) colon() bool {
	r.space()
	ok := r.take(':')
	r.space()
	return ok
}

// end: nothing but white space after the answer.
func (r *reader) end() bool {
	r.space()
	return r.i == len(r.b)
}

// string reads a JSON string and returns its text: a part of r.s when it has no escapes, else a new
// string. False for control characters, bad escapes, lone surrogates and bytes not UTF-8 — and for
// null, for which encoding/json would leave a string field as it was.
func (r *reader) string() (string, bool) {
	if !r.take('"') {
		return "", false
	}
	start := r.i
	ascii := true
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return r.s[start : r.i-1], ascii || utf8.Valid(r.b[start:r.i-1])
		case c == '\\':
			out, ok := r.escaped(start)
			return string(out), ok
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		r.i++
	}
	return "", false
}

// escaped reads the rest of a string that has an escape at r.i, from start.
func (r *reader) escaped(start int) ([]byte, bool) {
	out := make([]byte, 0, r.i-start+16)
	out = append(out, r.b[start:r.i]...)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			return out, utf8.Valid(out)
		case c < 0x20:
			return nil, false
		case c != '\\':
			out = append(out, c)
			r.i++
			continue
		}
		if r.i+1 >= len(r.b) {
			return nil, false
		}
		e := r.b[r.i+1]
		r.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			u, ok := r.hex4()
			if !ok {
				return nil, false
			}
			if utf16.IsSurrogate(u) {
				// A pair, or encoding/json's U+FFFD, which this reader leaves to it.
				if u >= 0xdc00 || !r.take('\\') || !r.take('u') {
					return nil, false
				}
				low, ok := r.hex4()
				if !ok || low < 0xdc00 || low > 0xdfff {
					return nil, false
				}
				u = utf16.DecodeRune(u, low)
			}
			out = utf8.AppendRune(out, u)
		default:
			return nil, false
		}
	}
	return nil, false
}

func (r *reader) hex4() (rune, bool) {
	if r.i+4 > len(r.b) {
		return 0, false
	}
	var u rune
	for _, c := range r.b[r.i : r.i+4] {
		switch {
		case '0' <= c && c <= '9':
			u = u<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			u = u<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			u = u<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	r.i += 4
	return u, true
}

// number reads a JSON number as its text, checked against JSON's grammar.
func (r *reader) number() (json.Number, bool) {
	start := r.i
	r.take('-')
	if r.take('0') {
	} else if r.digits() == 0 {
		return "", false
	}
	if r.take('.') && r.digits() == 0 {
		return "", false
	}
	if r.take('e') || r.take('E') {
		if !r.take('+') {
			r.take('-')
		}
		if r.digits() == 0 {
			return "", false
		}
	}
	return json.Number(r.s[start:r.i]), true
}

func (r *reader) digits() int {
	n := 0
	for r.i < len(r.b) && '0' <= r.b[r.i] && r.b[r.i] <= '9' {
		r.i++
		n++
	}
	return n
}

func (r *reader) literal(word string) bool {
	if bytes.HasPrefix(r.b[r.i:], []byte(word)) {
		r.i += len(word)
		return true
	}
	return false
}

// value reads any JSON value as encoding/json with UseNumber reads it into an `any`.
func (r *reader) value(depth int) (any, bool) {
	if r.i >= len(r.b) || depth > maxDepth {
		return nil, false
	}
	switch c := r.b[r.i]; {
	case c == '"':
		return r.string()
	case c == '{':
		return r.object(depth + 1)
	case c == '[':
		return r.array(depth + 1)
	case c == 't':
		return true, r.literal("true")
	case c == 'f':
		return false, r.literal("false")
	case c == 'n':
		return nil, r.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return r.number()
	}
	return nil, false
}

// object reads an object into a new map (the last of a repeated member wins, as in encoding/json).
func (r *reader) object(depth int) (map[string]any, bool) {
	if !r.take('{') {
		return nil, false
	}
	var m map[string]any
	if depth == 0 {
		m = make(map[string]any, 16) // the outputs: room for a policy's usual number, grown once at most
	} else {
		m = map[string]any{}
	}
	r.space()
	if r.take('}') {
		return m, true
	}
	for {
		key, ok := r.string()
		if !ok || !r.colon() {
			return nil, false
		}
		v, ok := r.value(depth)
		if !ok {
			return nil, false
		}
		m[key] = v
		r.space()
		if r.take(',') {
			r.space()
			continue
		}
		return m, r.take('}')
	}
}

func (r *reader) array(depth int) ([]any, bool) {
	if !r.take('[') {
		return nil, false
	}
	list := make([]any, 0, 4)
	r.space()
	if r.take(']') {
		return list, true
	}
	for {
		v, ok := r.value(depth)
		if !ok {
			return nil, false
		}
		list = append(list, v)
		r.space()
		if r.take(',') {
			r.space()
			continue
		}
		return list, r.take(']')
	}
}

// raw reads any value and returns its bytes.
func (r *reader) raw() ([]byte, bool) {
	start := r.i
	_, ok := r.value(0)
	return r.b[start:r.i], ok
}

// members reads an object whose members are all strings, giving each to set, which says whether it knew
// the name; an unknown one that encoding/json could match to a field is a give-up.
func (r *reader) members(names []string, set func(key string, value string) bool) bool {
	if !r.take('{') {
		return false
	}
	r.space()
	if r.take('}') {
		return true
	}
	for {
		key, ok := r.string()
		if !ok || !r.colon() {
			return false
		}
		if r.i < len(r.b) && r.b[r.i] == '"' {
			v, ok := r.string()
			if !ok {
				return false
			}
			if !set(key, v) && foldsTo(key, names) {
				return false
			}
		} else if foldsTo(key, names) {
			return false
		} else if _, ok := r.raw(); !ok {
			return false
		}
		r.space()
		if r.take(',') {
			r.space()
			continue
		}
		return r.take('}')
	}
}

func (r *reader) identity(p *PolicyIdentity) bool {
	return r.members(identityMembers, func(key string, v string) bool {
		switch key {
		case "name":
			p.Name = v
		case "version":
			p.Version = v
		case "effective":
			p.Effective = v
		case "digest":
			p.Digest = v
		default:
			return false
		}
		return true
	})
}

func (r *reader) clocks(into *map[string]Clock) bool {
	if !r.take('{') {
		return false
	}
	clocks := map[string]Clock{}
	*into = clocks
	r.space()
	if r.take('}') {
		return true
	}
	for {
		key, ok := r.string()
		if !ok || !r.colon() {
			return false
		}
		var c Clock
		if !r.members(clockMembers, c.set) {
			return false
		}
		clocks[key] = c
		r.space()
		if r.take(',') {
			r.space()
			continue
		}
		return r.take('}')
	}
}

func (c *Clock) set(key string, v string) bool {
	switch key {
	case "status":
		c.Status = v
	case "start":
		c.Start = v
	case "due":
		c.Due = v
	case "at_risk":
		c.AtRisk = v
	case "agreed":
		c.Agreed = v
	case "stopped_at":
		c.StoppedAt = v
	case "remaining":
		c.Remaining = v
	case "overdue":
		c.Overdue = v
	case "calendar":
		c.Calendar = v
	default:
		return false
	}
	return true
}
