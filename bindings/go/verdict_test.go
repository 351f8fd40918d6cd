package verdict_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"verdict.dev/verdict"
)

const (
	qualityComplaints = "../../policies/quality-complaints"
	amended           = "../../policies/examples/quality-complaints-amended"
)

// TestMain fails the run if any test left a set loaded.
func TestMain(m *testing.M) {
	code := m.Run()
	if n, err := verdict.LiveHandles(); err == nil && n != 0 && code == 0 {
		println("FAIL:", n, "policy sets left loaded after the tests")
		code = 1
	}
	os.Exit(code)
}

// henan is policies/quality-complaints/examples/henan-tier3.json: approver head_office, tier 3.
func henan(t testing.TB) []byte {
	b, err := os.ReadFile(filepath.Join(qualityComplaints, "examples", "henan-tier3.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func load(t testing.TB, path string) *verdict.Policy {
	t.Helper()
	p, err := verdict.Load(path)
	if err != nil {
		t.Fatalf("Load(%s): %v", path, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func TestVersionAndABI(t *testing.T) {
	v, err := verdict.Version()
	if err != nil || strings.Count(v, ".") != 2 {
		t.Fatalf("Version() = %q, %v", v, err)
	}
	if verdict.ABIVersion != 1 {
		t.Fatalf("ABIVersion = %d", verdict.ABIVersion)
	}
	if err := verdict.LoadLibrary(""); err != nil {
		t.Fatalf("LoadLibrary again: %v", err)
	}
	if err := verdict.LoadLibrary("/elsewhere/libverdict.so"); err == nil {
		t.Fatal("LoadLibrary from another path after the library was loaded: no error")
	}
}

func TestDecide(t *testing.T) {
	p := load(t, qualityComplaints)
	d, err := p.Decide(henan(t))
	if err != nil {
		t.Fatal(err)
	}
	if d.Case != "Q-2026-0042" || d.Policy.Name != "quality-complaints" || d.Policy.Version != "1.0.0" ||
		d.Policy.Effective != "2011-06-12" || !strings.HasPrefix(d.Policy.Digest, "sha256:") {
		t.Fatalf("case %q, policy %+v", d.Case, d.Policy)
	}
	if d.Outputs["approver"] != "head_office" || d.Outputs["tier"] != json.Number("3") {
		t.Fatalf("outputs %v", d.Outputs)
	}
	signers, ok := d.Outputs["signers"].([]any)
	if !ok || len(signers) != 4 || signers[1] != "bu_finance_head" {
		t.Fatalf("signers %#v", d.Outputs["signers"])
	}
	if _, set := d.Outputs["success"]; set {
		t.Fatal("an output no rule set is present")
	}
	c := d.Clocks["next_contact"]
	if c.Due != "2026-03-05T10:00:00+08:00" || c.StoppedAt != "2026-03-04T17:00:00+08:00" || c.Status != "" {
		t.Fatalf("clock %+v", c)
	}
	if d.Explanation != nil || d.ExplanationText != "" || d.WhyNot != nil || d.Now != "" {
		t.Fatal("an answer nobody asked for")
	}
	raw, err := p.DecideJSON(henan(t))
	if err != nil || !bytes.Equal(raw, d.JSON) {
		t.Fatalf("DecideJSON differs from Decision.JSON: %v\n%s\n%s", err, raw, d.JSON)
	}
	if !bytes.HasPrefix(raw, []byte(`{"case":"Q-2026-0042","policy":{"name":"quality-complaints"`)) {
		t.Fatalf("answer %s", raw)
	}
}

func TestDecideAppend(t *testing.T) {
	p := load(t, qualityComplaints)
	want, err := p.DecideJSON(henan(t))
	if err != nil {
		t.Fatal(err)
	}
	buffer := []byte("prefix:")
	for i := 0; i < 3; i++ {
		got, err := p.DecideAppend(buffer[:7], henan(t))
		if err != nil || string(got[:7]) != "prefix:" || !bytes.Equal(got[7:], want) {
			t.Fatalf("round %d: %v %.100s", i, err, got)
		}
		buffer = got
	}
	kept, err := p.DecideAppend(buffer[:7], []byte(`[]`))
	var ce *verdict.CaseError
	if !errors.As(err, &ce) || string(kept) != "prefix:" {
		t.Fatalf("a refused case: %v, dst %q", err, kept)
	}
	c := henan(t)
	if allocs := testing.AllocsPerRun(20, func() { buffer, _ = p.DecideAppend(buffer[:0], c) }); allocs > 0 {
		t.Errorf("%v allocations a call with a reused buffer", allocs)
	}
}

// The answer is the same bytes the command line prints (when the binary is built).
func TestSameBytesAsCommandLine(t *testing.T) {
	binary, _ := filepath.Abs("../../.build/debug/verdict")
	if _, err := os.Stat(binary); err != nil {
		t.Skip("no .build/debug/verdict")
	}
	example := filepath.Join(qualityComplaints, "examples", "henan-tier3.json")
	now := "2026-03-03T09:00:00+08:00"
	out, err := exec.Command(binary, "decide", "--policies", qualityComplaints, "--case", example, "--now", now).Output()
	if err != nil {
		t.Fatalf("verdict decide: %v", err)
	}
	at, _ := time.Parse(time.RFC3339, now)
	got, err := load(t, qualityComplaints).DecideJSON(henan(t), verdict.WithNow(at))
	if err != nil || !bytes.Equal(bytes.TrimSpace(out), got) {
		t.Fatalf("differs from the command line: %v\n%s\n%s", err, out, got)
	}
}

func TestExplainAndLanguages(t *testing.T) {
	p := load(t, qualityComplaints)
	d, err := p.Decide(henan(t), verdict.WithExplain(verdict.Compact), verdict.WithLang("zh"))
	if err != nil {
		t.Fatal(err)
	}
	var explanation struct {
		Detail    string            `json:"detail"`
		Decisions []json.RawMessage `json:"decisions"`
	}
	if err := json.Unmarshal(d.Explanation, &explanation); err != nil || explanation.Detail != "compact" || len(explanation.Decisions) == 0 {
		t.Fatalf("explanation %v %+v", err, explanation)
	}
	if !strings.Contains(d.ExplanationText, "决策 1") {
		t.Fatalf("explanation text %.200s", d.ExplanationText)
	}
	full, err := p.Decide(henan(t), verdict.WithExplain(verdict.Full))
	if err != nil || bytes.Contains(full.Explanation, []byte(`"detail":"compact"`)) || len(full.Explanation) <= len(d.Explanation) {
		t.Fatalf("full (%d bytes, compact %d): %v %.200s", len(full.Explanation), len(d.Explanation), err, full.Explanation)
	}
	zh, err := d.Text("zh")
	if err != nil || !strings.HasPrefix(zh, "案件 Q-2026-0042") || !strings.Contains(zh, "决策 1") {
		t.Fatalf("Text(zh): %v %.200s", err, zh)
	}
	en, err := d.Text("en")
	if err != nil || !strings.HasPrefix(en, "Case Q-2026-0042") || !strings.Contains(en, "Decision 1") {
		t.Fatalf("Text(en): %v %.200s", err, en)
	}
	if _, err := d.Text("fr"); !isRequestError(err, "lang") {
		t.Fatalf("Text(fr): %v", err)
	}
}

func TestNowJudgesClocks(t *testing.T) {
	p := load(t, qualityComplaints)
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.FixedZone("", 8*3600))
	d, err := p.Decide(henan(t), verdict.WithNow(now))
	if err != nil {
		t.Fatal(err)
	}
	if d.Now != "2026-05-01T09:00:00+08:00" {
		t.Fatalf("now %q", d.Now)
	}
	first, next := d.Clocks["first_contact"], d.Clocks["next_contact"]
	if first.Status != "breached" || first.Overdue != "59d22h45m" || next.Status != "met" {
		t.Fatalf("clocks %+v %+v", first, next)
	}
	// The same instant in UTC judges the same.
	utc, err := p.Decide(henan(t), verdict.WithNow(now.UTC()))
	if err != nil || utc.Clocks["first_contact"] != first {
		t.Fatalf("UTC: %v %+v", err, utc.Clocks)
	}
}

func TestWhyNot(t *testing.T) {
	p := load(t, qualityComplaints)
	d, err := p.Decide(henan(t), verdict.WithWhyNot("approver=branch_manager", "tier=1"), verdict.WithLang("zh"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.WhyNot) != 2 {
		t.Fatalf("why not %+v", d.WhyNot)
	}
	w := d.WhyNot[0]
	if w.Question != "approver=branch_manager" || w.Output != "approver" || w.Outcome != "changes" || w.Current != "head_office" ||
		!strings.Contains(w.Text["en"], "cost] ≤ 300.00") || !bytes.Contains(w.Alternatives, []byte(`"nearest":"300.00"`)) {
		t.Fatalf("why not %+v", w)
	}
	if d.WhyNot[1].Current != json.Number("3") {
		t.Fatalf("tier now %#v", d.WhyNot[1].Current)
	}
	if !strings.Contains(d.WhyNotText, "为什么 approver 不是 branch_manager") {
		t.Fatalf("why-not text %q", d.WhyNotText)
	}
	text, err := d.Text("en")
	if err != nil || !strings.Contains(text, "Why not approver = branch_manager") {
		t.Fatalf("Text with why-not: %v %q", err, text)
	}
}

func TestInfoAndSchema(t *testing.T) {
	p := load(t, amended)
	info, err := p.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "quality-complaints-amended" || info.EffectiveBy != "received_at" || info.ABI != 1 || len(info.Versions) != 2 {
		t.Fatalf("info %+v", info)
	}
	v := info.Versions[1]
	if v.Version != "2.0.0" || v.Effective != "2027-01-01" || !contains(v.Fields, "cost") || !contains(v.Outputs, "approver") {
		t.Fatalf("version %+v", v)
	}
	schema, err := p.Schema("")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Schema     string                     `json:"$schema"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(schema, &s); err != nil || !strings.Contains(s.Schema, "2020-12") || s.Properties["cost"] == nil {
		t.Fatalf("schema %v %.300s", err, schema)
	}
	old, err := p.Schema("1.0.0")
	if err != nil || !bytes.Contains(old, []byte("quality-complaints-amended:1.0.0:case")) {
		t.Fatalf("schema of 1.0.0: %v %.200s", err, old)
	}
	if _, err := p.Schema("9.9.9"); !isRequestError(err, "") {
		t.Fatalf("unknown version: %v", err)
	}
	if _, err := p.Schema("1.0\x00.0"); !isArgumentError(err) {
		t.Fatalf("version with NUL: %v", err)
	}
}

// A set with versions decides each case by the version in force on its date.
func TestVersionsByDate(t *testing.T) {
	p := load(t, amended)
	decide := func(received string) *verdict.Decision {
		// The case's later events move with its receipt (a case whose events come before it is refused).
		c := bytes.Replace(henan(t), []byte("2026-03-02T09:15:00+08:00"), []byte(received), 1)
		c = bytes.Replace(c, []byte("2026-03-04T17:00:00+08:00"), []byte(received), 1)
		c = bytes.Replace(c, []byte("2026-03-03T10:00:00+08:00"), []byte(received), 1)
		c = bytes.Replace(c, []byte(`"1200.00"`), []byte(`"450.00"`), 1)
		c = bytes.Replace(c, []byte(`"hospitalised": true`), []byte(`"hospitalised": false`), 1)
		d, err := p.Decide(c)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	before, after := decide("2026-12-31T09:00:00+08:00"), decide("2027-01-02T09:00:00+08:00")
	if before.Policy.Version != "1.0.0" || after.Policy.Version != "2.0.0" {
		t.Fatalf("versions %s %s", before.Policy.Version, after.Policy.Version)
	}
	if after.Outputs["approver"] != "branch_manager" || before.Outputs["approver"] == "branch_manager" {
		t.Fatalf("approvers %v / %v", before.Outputs["approver"], after.Outputs["approver"])
	}
}

func TestBrokenPolicy(t *testing.T) {
	dir := t.TempDir()
	yaml := "policy:\n  name: broken\n  version: \"1\"\n  effective: 2026-01-01\nfields:\n  cost: {type: mony}\n"
	if err := os.WriteFile(filepath.Join(dir, "policy.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := verdict.Load(dir)
	var pe *verdict.PolicyError
	if !errors.As(err, &pe) || len(pe.Diagnostics) != 1 {
		t.Fatalf("Load(broken): %v", err)
	}
	d := pe.Diagnostics[0]
	if d.File != filepath.Join(dir, "policy.yaml") || d.Line != 6 || d.Column != 16 || d.Code != "unknown-type" || d.Help != "did you mean `money`?" {
		t.Fatalf("diagnostic %+v", d)
	}
	if !strings.Contains(pe.Text, "6 |   cost: {type: mony}") || !strings.Contains(pe.Error(), "policy.yaml:6:16: error: unknown type `mony`") {
		t.Fatalf("text %q, error %q", pe.Text, pe.Error())
	}
	_, err = verdict.Load(filepath.Join(dir, "no-such-folder"))
	if !errors.As(err, &pe) || !strings.Contains(pe.Error(), "is not a folder") {
		t.Fatalf("Load(missing folder): %v", err)
	}
}

func TestRefusedCases(t *testing.T) {
	p := load(t, qualityComplaints)
	for _, c := range []struct {
		name, json, field, code string
	}{
		{"not an object", `[1, 2]`, "", "wrong-type"},
		{"a string", `"case"`, "", "wrong-type"},
		{"not JSON", `{not json`, "", "json-syntax"},
		{"empty", ``, "", "json-syntax"},
		{"invalid UTF-8", "{\"id\": \"\xff\xfe\"}", "", "json-syntax"},
		{"a field missing", string(bytes.Replace(henan(t), []byte(`"region": "Henan",`), nil, 1)), "region", "missing-field"},
	} {
		_, err := p.Decide([]byte(c.json))
		var ce *verdict.CaseError
		if !errors.As(err, &ce) || len(ce.Problems) == 0 || ce.Problems[0].Code != c.code || ce.Problems[0].Field != c.field {
			t.Errorf("%s: %v (%+v)", c.name, err, ce)
			continue
		}
		if ce.Policy.Name != "quality-complaints" || !strings.Contains(err.Error(), ce.Problems[0].Message) {
			t.Errorf("%s: policy %+v, error %q", c.name, ce.Policy, err)
		}
	}
	_, err := p.DecideJSON([]byte(`{"id": "Q-9"}`))
	var ce *verdict.CaseError
	if !errors.As(err, &ce) || ce.Case != "Q-9" || !strings.Contains(err.Error(), "case Q-9 refused: 13 problems in the case; received_at: missing required field") {
		t.Fatalf("DecideJSON of a bare case: %v", err)
	}
}

func TestBadOptions(t *testing.T) {
	p := load(t, qualityComplaints)
	if _, err := p.Decide(henan(t), verdict.WithLang("fr")); !isRequestError(err, "lang") {
		t.Errorf("lang fr: %v", err)
	}
	if _, err := p.Decide(henan(t), verdict.WithWhyNot("no_such_output=1")); !isRequestError(err, "why_not") {
		t.Errorf("why not of an unknown output: %v", err)
	}
	if _, err := p.Decide(henan(t), verdict.WithExplain("everything")); !isRequestError(err, "explain") {
		t.Errorf("explain everything: %v", err)
	}
	if _, err := p.Decide(henan(t), verdict.WithLang("\xff")); !isArgumentError(err) {
		t.Errorf("lang not UTF-8: %v", err)
	}
	if _, err := p.Decide(henan(t), verdict.WithWhyNot("approver=\xc3")); !isArgumentError(err) {
		t.Errorf("why-not not UTF-8: %v", err)
	}
}

func TestBadPaths(t *testing.T) {
	if _, err := verdict.Load("/tmp/\xff"); !isArgumentError(err) {
		t.Errorf("a path not UTF-8: %v", err)
	}
	if _, err := verdict.Load(qualityComplaints + "\x00/x"); !isArgumentError(err) {
		t.Errorf("a path with NUL: %v", err)
	}
}

func TestClose(t *testing.T) {
	before, err := verdict.LiveHandles()
	if err != nil {
		t.Fatal(err)
	}
	p, err := verdict.Load(qualityComplaints)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := verdict.LiveHandles(); n != before+1 {
		t.Fatalf("live handles %d after a load, %d before", n, before)
	}
	d, err := p.Decide(henan(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("closing twice: %v", err)
	}
	if n, _ := verdict.LiveHandles(); n != before {
		t.Fatalf("live handles %d after close, %d before", n, before)
	}
	if _, err := p.Decide(henan(t)); !errors.Is(err, verdict.ErrClosed) {
		t.Errorf("Decide after Close: %v", err)
	}
	if _, err := p.DecideJSON(henan(t)); !errors.Is(err, verdict.ErrClosed) {
		t.Errorf("DecideJSON after Close: %v", err)
	}
	if _, err := p.Info(); !errors.Is(err, verdict.ErrClosed) {
		t.Errorf("Info after Close: %v", err)
	}
	if _, err := p.Schema(""); !errors.Is(err, verdict.ErrClosed) {
		t.Errorf("Schema after Close: %v", err)
	}
	if _, err := d.Text("en"); !errors.Is(err, verdict.ErrClosed) {
		t.Errorf("Decision.Text after Close: %v", err)
	}
	if _, err := (&verdict.Decision{}).Text("en"); err == nil {
		t.Error("Text of a Decision not made by Decide: no error")
	}
}

// A Policy dropped without Close is freed by the garbage collector.
func TestUnreachablePolicyIsFreed(t *testing.T) {
	before, err := verdict.LiveHandles()
	if err != nil {
		t.Fatal(err)
	}
	func() {
		p, err := verdict.Load(qualityComplaints)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Decide(henan(t)); err != nil {
			t.Fatal(err)
		}
	}()
	for i := 0; i < 50; i++ {
		runtime.GC()
		if n, _ := verdict.LiveHandles(); n == before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	n, _ := verdict.LiveHandles()
	t.Fatalf("%d live handles, %d before the dropped Policy", n, before)
}

// Many goroutines on one Policy answer as one does, and closing it under them gives each call an
// answer or ErrClosed, nothing else.
func TestGoroutines(t *testing.T) {
	p := load(t, qualityComplaints)
	c := henan(t)
	want, err := p.DecideJSON(c, verdict.WithExplain(verdict.Compact))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				got, err := p.DecideJSON(c, verdict.WithExplain(verdict.Compact))
				if err != nil || !bytes.Equal(got, want) {
					errs <- errors.New("an answer differs from one goroutine's")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	q, err := verdict.Load(qualityComplaints)
	if err != nil {
		t.Fatal(err)
	}
	// Each goroutine decides until it sees the set closed (bounded: 10 s at most), so some call is
	// always still running when Close comes, however fast the machine.
	var answered, closed, other sync.Map
	started := make(chan struct{}, 8)
	deadline := time.Now().Add(10 * time.Second)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				_, err := q.Decide(c)
				if i == 0 {
					started <- struct{}{}
				}
				switch {
				case err == nil:
					answered.Store(g*1000000+i, true)
				case errors.Is(err, verdict.ErrClosed):
					closed.Store(g*1000000+i, true)
					return
				default:
					other.Store(g*1000000+i, err)
					return
				}
			}
		}(g)
	}
	for g := 0; g < 8; g++ {
		<-started
	}
	q.Close()
	wg.Wait()
	other.Range(func(k, v any) bool { t.Errorf("call %v: %v", k, v); return false })
	n := 0
	closed.Range(func(k, v any) bool { n++; return true })
	if n == 0 {
		t.Error("no call saw the set closed")
	}
}

// The library cannot be had: missing, another ABI, not a Verdict library. Each is tried in a process
// of its own (the library is opened once per process), by this test binary run again.
func TestLibraryProblems(t *testing.T) {
	dir := t.TempDir()
	fake := func(name, source string) string {
		c := filepath.Join(dir, name+".c")
		so := filepath.Join(dir, name+".so")
		if err := os.WriteFile(c, []byte(source), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("cc", "-shared", "-fPIC", "-o", so, c).CombinedOutput(); err != nil {
			t.Fatalf("cc: %v\n%s", err, out)
		}
		return so
	}
	abi2 := fake("abi2", "unsigned verdict_abi_version(void) { return 2; }\n")
	partial := fake("partial", "unsigned verdict_abi_version(void) { return 1; }\n")
	other := fake("other", "int something_else(void) { return 0; }\n")
	real := os.Getenv(verdict.LibraryEnv)
	for _, c := range []struct{ name, env, ldPath, want string }{
		{"missing", "/nonexistent/libverdict.so", "", "LibraryError: verdict: cannot use the library /nonexistent/libverdict.so: /nonexistent/libverdict.so: cannot open shared object file"},
		{"not found by name", "", "/nonexistent", "LibraryError: verdict: cannot use the library libverdict.so: libverdict.so: cannot open shared object file: No such file or directory (set VERDICT_LIBRARY"},
		{"another ABI", abi2, "", "ABIError: verdict: " + abi2 + " has ABI version 2, this Go package was written for ABI version 1"},
		{"a function missing", partial, "", "LibraryError: verdict: cannot use the library " + partial + ": it has no function verdict_version"},
		{"not Verdict", other, "", "LibraryError: verdict: cannot use the library " + other + ": it has no function verdict_abi_version: not a Verdict library"},
		{"found by name", "", filepath.Dir(real), "loaded: quality-complaints"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "VERDICT_GO_HELPER=1", verdict.LibraryEnv+"="+c.env, "LD_LIBRARY_PATH="+c.ldPath)
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), c.want) {
			t.Errorf("%s: want %q in\n%s", c.name, c.want, out)
		}
	}
}

// TestHelperProcess is TestLibraryProblems's other process: it loads a set and says what came of it.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("VERDICT_GO_HELPER") != "1" {
		t.Skip("run by TestLibraryProblems")
	}
	p, err := verdict.Load(qualityComplaints)
	var le *verdict.LibraryError
	var ae *verdict.ABIError
	switch {
	case errors.As(err, &le):
		println("LibraryError: " + err.Error())
	case errors.As(err, &ae):
		println("ABIError: " + err.Error())
	case err != nil:
		println("other error: " + err.Error())
	default:
		info, _ := p.Info()
		println("loaded: " + info.Name)
		p.Close()
	}
	// The failure is remembered: the same error, not a crash, on every later call.
	if _, err2 := verdict.Version(); (err == nil) != (err2 == nil) {
		println("Version() answered differently:", err2)
	}
}

// The README's example is ExampleLoad, word for word.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	source, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	start := bytes.Index(source, []byte("func ExampleLoad()"))
	if start < 0 {
		t.Fatal("no ExampleLoad in example_test.go")
	}
	if !bytes.Contains(readme, source[start:]) {
		t.Fatal("README.md does not show ExampleLoad as example_test.go has it")
	}
}

func isRequestError(err error, option string) bool {
	var re *verdict.RequestError
	return errors.As(err, &re) && (option == "" || re.Option == option) && re.Message != ""
}

func isArgumentError(err error) bool {
	var ae *verdict.ArgumentError
	return errors.As(err, &ae) && ae.Message != ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// An answer longer than the room first given (verdict_decide_into says how long; the call is made again
// with that room), one far longer, and short answers again: each the bytes of a short call's kind.
func TestLongAnswers(t *testing.T) {
	p := load(t, qualityComplaints)
	short, err := p.DecideJSON(henan(t))
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(henan(t), &c); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{5000, 70000, 300000} {
		c["id"] = strings.Repeat("L", size)
		long, _ := json.Marshal(c)
		answer, err := p.DecideJSON(long)
		if err != nil || len(answer) <= size || !bytes.Contains(answer, []byte(`"approver":"head_office"`)) {
			t.Fatalf("%d: %v %.100s", size, err, answer)
		}
		appended, err := p.DecideAppend([]byte("prefix:"), long)
		if err != nil || string(appended[:7]) != "prefix:" || !bytes.Equal(appended[7:], answer) {
			t.Fatalf("%d appended: %v %.100s", size, err, appended)
		}
		d, err := p.Decide(long)
		if err != nil || d.Case != c["id"] {
			t.Fatalf("%d decided: %v", size, err)
		}
		if again, err := p.DecideJSON(henan(t)); err != nil || !bytes.Equal(again, short) {
			t.Fatalf("a short answer after a long one: %v %.100s", err, again)
		}
	}
}
