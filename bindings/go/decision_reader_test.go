package verdict

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// byEncodingJSON is what parseDecision gave before readDecision: encoding/json with UseNumber.
func byEncodingJSON(t *testing.T, answer []byte) (*Decision, bool) {
	t.Helper()
	d := &Decision{JSON: answer}
	decoder := json.NewDecoder(bytes.NewReader(answer))
	decoder.UseNumber()
	return d, decoder.Decode(d) == nil
}

// readDecision gives encoding/json's Decision whenever it reads an answer, and gives up (false) on what
// it does not read as encoding/json does, so that parseDecision's result is encoding/json's for each.
func TestDecisionReader(t *testing.T) {
	type sample struct {
		json  string
		reads bool // readDecision reads it itself (else it leaves it to encoding/json)
	}
	samples := []sample{
		{`{}`, true},
		{` {"case":"A","outputs":{}} `, true},
		{`{"case":"Q-1","policy":{"name":"n","version":"1.0.0","effective":"2011-06-12","digest":"sha256:ab"},` +
			`"outputs":{"tier":3,"money":"1200.00","ratio":-0.5e+3,"zero":0,"ok":true,"no":false,"none":null,` +
			`"list":["a",1,[],{}],"nested":{"k":[{"x":"y"}]}},"now":"2026-05-01T09:00:00+08:00",` +
			`"clocks":{"first":{"status":"breached","start":"s","due":"d","overdue":"1d","calendar":"c","extra":"x"}},` +
			`"explanation":{"detail":"compact","decisions":[1,2]},"explanation_text":"line\none\t\"q\" \\ \/ \u00e9 \ud83d\ude00 决策"}`, true},
		{`{"case":"汉字 🙂","outputs":{"名":"值\u4e2d"},"later":{"member":[1,2,{"a":null}]}}`, true},
		{`{"why_not":[{"question":"a=b","output":"a","outcome":"changes","current":3,"target":"b","alternatives":[{"x":1}],"text":{"en":"e"}}],"why_not_text":"w"}`, true},
		{`{"why_not":[]}`, true},
		{`{"outputs":{"a":1},"outputs":{"b":2}}`, false},           // encoding/json merges the two maps
		{`{"policy":{"name":"a"},"policy":{"version":"2"}}`, true}, // the struct is filled twice, as encoding/json does
		{`{"case":"a","case":"b"}`, true},
		{`{"Case":"A"}`, false},                 // encoding/json matches names without regard to case
		{`{"cAsE":"A"}`, false},                 // likewise
		{`{"ca\u0073e":"A"}`, true},             // an escaped name is the same name
		{`{"policy":{"NAME":"x"}}`, false},      // likewise inside
		{`{"clocks":{"c":{"Due":"x"}}}`, false}, // and in a clock
		{`{"ſtatus":1}`, false},                 // a non-ASCII name: encoding/json folds the long s to s
		{`{"case":null}`, false},                // encoding/json leaves the field as it was
		{`{"outputs":null}`, false},
		{`{"clocks":null}`, false},
		{`{"explanation":null}`, false},
		{`{"policy":{"name":null}}`, false},
		{`{"case":"\ud800"}`, false},              // a lone surrogate: encoding/json gives U+FFFD
		{`{"case":"\udc00\ud800"}`, false},        // the wrong order
		{"{\"case\":\"\xff\"}", false},            // not UTF-8
		{"{\"outputs\":{\"a\":\"\xc3\"}}", false}, // cut UTF-8
		{`{"outputs":{"a":01}}`, false},           // not JSON: encoding/json fails too
		{`{"outputs":{"a":1.}}`, false},
		{`{"outputs":{"a":-}}`, false},
		{`{"outputs":{"a":1e}}`, false},
		{`{"outputs":{"a":tru}}`, false},
		{`{"outputs":{"a":[1,]}}`, false},
		{`{"outputs":{"a":1},}`, false},
		{"{\"case\":\"a\tb\"}", false}, // a raw control character
		{`{"case":"\x"}`, false},
		{`{"case":"\u12"}`, false},
		{`{"case":"a"} x`, false},
		{`{"case":"a"`, false},
		{`[]`, false},
		{``, false},
		{`{"outputs":{"a":` + strings.Repeat("[", maxDepth+5) + strings.Repeat("]", maxDepth+5) + `}}`, false},
		{`{"outputs":{"a":` + strings.Repeat("[", 50) + strings.Repeat("]", 50) + `}}`, true},
	}
	for _, s := range samples {
		want, valid := byEncodingJSON(t, []byte(s.json))
		got := &Decision{JSON: []byte(s.json)}
		reads := readDecision([]byte(s.json), got)
		if reads != s.reads {
			t.Errorf("%.80q: readDecision read it: %v, expected %v", s.json, reads, s.reads)
		}
		if reads && (!valid || !reflect.DeepEqual(got, want)) {
			t.Errorf("%.80q: readDecision gave\n%#v\nencoding/json (valid %v)\n%#v", s.json, got, valid, want)
		}
		parsed, err := parseDecision([]byte(s.json))
		if (err == nil) != valid || err == nil && !reflect.DeepEqual(parsed, want) {
			t.Errorf("%.80q: parseDecision gave %v %#v, encoding/json %v %#v", s.json, err, parsed, valid, want)
		}
	}
}

// The library's own answers, with every option, are read by readDecision, equal to encoding/json's.
func TestDecisionReaderOnAnswers(t *testing.T) {
	p, err := Load("../../policies/quality-complaints")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := os.ReadFile(filepath.Join("../../policies/quality-complaints/examples/henan-tier3.json"))
	if err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob("../../policies/quality-complaints/examples/*.json")
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	type call struct {
		name string
		c    []byte
		opts []Option
	}
	calls := []call{
		{"plain", c, nil},
		{"explain compact zh", c, []Option{WithExplain(Compact), WithLang("zh")}},
		{"explain full en", c, []Option{WithExplain(Full), WithLang("en")}},
		{"now", c, []Option{WithNow(now)}},
		{"why not", c, []Option{WithWhyNot("approver=branch_manager", "tier=1"), WithLang("zh")}},
		{"emoji id", bytes.Replace(c, []byte(`"Q-2026-0042"`), []byte(`"Q-😀-\u00e9-\"-\\"`), 1), []Option{WithExplain(Compact)}},
	}
	for _, e := range examples {
		b, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, call{filepath.Base(e), b, []Option{WithNow(now), WithExplain(Compact), WithLang("zh")}})
	}
	for _, k := range calls {
		answer, err := p.DecideJSON(k.c, k.opts...)
		if err != nil {
			continue // a refused example is an error, not an answer
		}
		want, valid := byEncodingJSON(t, answer)
		got := &Decision{JSON: answer}
		if !readDecision(answer, got) || !valid || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: readDecision differs from encoding/json (valid %v):\n%#v\n%#v\n%s", k.name, valid, got, want, answer)
		}
	}
}

// go test -bench Read -run ^$ : reading an answer into a Decision, by readDecision and by encoding/json.
func benchmarkRead(b *testing.B, read func([]byte) bool) {
	p, err := Load("../../policies/quality-complaints")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	c, err := os.ReadFile("../../policies/quality-complaints/examples/henan-tier3.json")
	if err != nil {
		b.Fatal(err)
	}
	answer, err := p.DecideJSON(c)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !read(answer) {
			b.Fatal("not read")
		}
	}
}

func BenchmarkReadDecision(b *testing.B) {
	benchmarkRead(b, func(answer []byte) bool { return readDecision(answer, &Decision{JSON: answer}) })
}

func BenchmarkReadDecisionEncodingJSON(b *testing.B) {
	benchmarkRead(b, func(answer []byte) bool {
		decoder := json.NewDecoder(bytes.NewReader(answer))
		decoder.UseNumber()
		return decoder.Decode(&Decision{JSON: answer}) == nil
	})
}
