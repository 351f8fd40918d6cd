// Package verdict decides cases by a Verdict policy set, in process, through libverdict.so (the C
// interface of include/verdict.h). A case goes in as JSON and the decision comes out as JSON — the
// same bytes `verdict decide` prints and the HTTP service answers, because all of them ask the one
// decision entry point of the library.
//
// A Policy is safe for use by many goroutines at once, and calls on one Policy run in parallel.
// Errors are typed for errors.As: *PolicyError, *CaseError, *RequestError, *ArgumentError,
// *LibraryError, *ABIError; a closed Policy answers ErrClosed (errors.Is).
package verdict

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Policy is a loaded policy set with all its versions. Close it when done (a Policy that becomes
// unreachable is closed by the garbage collector, but not at a time you choose).
type Policy struct {
	handle atomic.Uint64 // 0 once closed
	// hint is the room DecideAppend gives an answer (and the least a pooled buffer of DecideJSON and
	// Decide is given): the longest answer seen so far (up to hintMost), so that the library writes
	// it in one call.
	hint atomic.Int64
	// Path is the folder the set was loaded from.
	Path string
	// Warnings are the checker's warnings about the set (a set with errors does not load).
	Warnings []Diagnostic
}

// Load loads, checks and compiles every version of the policy set in the folder path (its own files
// are one version, each folder under versions/ another). A set with errors gives a *PolicyError with
// each error at its file, line and column.
func Load(path string) (*Policy, error) {
	if err := ready(); err != nil {
		return nil, err
	}
	handle, out, status, err := cPolicyLoad(path)
	if err != nil {
		return nil, err
	}
	if status != statusOK {
		return nil, errorFrom(status, out, path)
	}
	p := &Policy{Path: path}
	p.handle.Store(handle)
	var loaded struct {
		Diagnostics []Diagnostic `json:"diagnostics"`
	}
	if json.Unmarshal(out, &loaded) == nil {
		p.Warnings = loaded.Diagnostics
	}
	runtime.SetFinalizer(p, func(p *Policy) { p.Close() })
	return p, nil
}

// Close frees the set. Calls already running on other goroutines finish first; calls after it return
// ErrClosed. Closing again does nothing and returns nil.
func (p *Policy) Close() error {
	handle := p.handle.Swap(0)
	if handle == 0 {
		return nil
	}
	runtime.SetFinalizer(p, nil)
	if status := cPolicyFree(handle); status != statusOK && status != statusHandle {
		return errorFrom(status, nil, p.Path)
	}
	return nil
}

func (p *Policy) live() (uint64, error) {
	if h := p.handle.Load(); h != 0 {
		return h, nil
	}
	return 0, ErrClosed
}

// DecideJSON decides one case (UTF-8 JSON, an object) by the version in force on its date and returns
// the answer exactly as the library writes it: {"case", "policy", "outputs", "clocks", …}. It is the
// cheapest call; Decide parses the same answer into a Decision.
func (p *Policy) DecideJSON(caseJSON []byte, opts ...Option) ([]byte, error) {
	answer, kept, err := p.decideScratch(caseJSON, collect(opts))
	if err != nil {
		return nil, err
	}
	// One allocation of the answer's own length: the library wrote into a pooled buffer.
	out := append([]byte(nil), answer...)
	release(kept, answer)
	return out, nil
}

// DecideAppend is DecideJSON appending the answer to dst (which may be nil) and returning the extended
// slice, as strconv's Append functions do: a caller that reuses its buffer allocates nothing per call.
// On an error dst is returned as it was.
func (p *Policy) DecideAppend(dst []byte, caseJSON []byte, opts ...Option) ([]byte, error) {
	return p.decide(dst, caseJSON, collect(opts))
}

// collect applies the options; nil for none, so a call without options allocates nothing for them.
func collect(opts []Option) *options {
	if len(opts) == 0 {
		return nil
	}
	o := new(options)
	for _, opt := range opts {
		opt(o)
	}
	return o
}

func (p *Policy) decide(dst []byte, caseJSON []byte, o *options) ([]byte, error) {
	return p.decideHint(dst, caseJSON, o, int(p.hint.Load()))
}

// decideHint is decide giving the answer at least hint bytes of room (hintFirst when 0).
func (p *Policy) decideHint(dst []byte, caseJSON []byte, o *options, hint int) ([]byte, error) {
	handle, err := p.live()
	if err != nil {
		return dst, err
	}
	var encoded []byte
	if o != nil {
		if encoded, err = o.encode(); err != nil {
			return dst, err
		}
	}
	if hint == 0 {
		hint = hintFirst
	}
	out, status, length := cDecide(handle, caseJSON, encoded, dst, hint)
	runtime.KeepAlive(p)
	if length >= hint && length < hintMost {
		p.hint.Store(int64(length + length/4 + 64))
	}
	if status == statusSpace {
		return dst, fmt.Errorf("verdict: the answer's length changed on every try (last %d bytes)", length)
	}
	if status != statusOK {
		return dst, errorFrom(status, out[len(dst):], p.Path)
	}
	return out, nil
}

// scratch holds the buffers DecideJSON and Decide have the library write an answer into before it is
// copied out or parsed: each call takes one and gives it back, so it allocates only what it returns
// (a new slice of the answer's length, or the Decision) rather than a slice with room to spare, and
// the memory the library writes into stays warm in the cache.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, hintFirst); return &b }}

// decideScratch decides into a buffer from scratch. The answer is valid until release(kept, answer);
// on an error the buffer is already back.
func (p *Policy) decideScratch(caseJSON []byte, o *options) (answer []byte, kept *[]byte, err error) {
	kept = scratch.Get().(*[]byte)
	hint := cap(*kept)
	if h := int(p.hint.Load()); h > hint {
		hint = h
	}
	answer, err = p.decideHint((*kept)[:0], caseJSON, o, hint)
	if err != nil {
		release(kept, *kept)
		return nil, nil, err
	}
	return answer, kept, nil
}

// release gives a scratch buffer back, grown to the answer's room if the call had to grow it; one
// grown past hintMost is left to the garbage collector.
func release(kept *[]byte, answer []byte) {
	if cap(answer) > hintMost {
		return
	}
	*kept = answer[:0]
	scratch.Put(kept)
}

// The room an answer is first given, and the most the hint grows to: a longer answer (a long
// explanation) takes a second call, so one long answer does not make every later slice long.
const (
	hintFirst = 4 << 10
	hintMost  = 64 << 10
)

// Decide decides one case (UTF-8 JSON, an object) by the version in force on its date. A refused case
// gives a *CaseError listing each problem; options that cannot be read, a *RequestError.
func (p *Policy) Decide(caseJSON []byte, opts ...Option) (*Decision, error) {
	o := collect(opts)
	answer, kept, err := p.decideScratch(caseJSON, o)
	if err != nil {
		return nil, err
	}
	// The answer and the case (for Text) in one allocation; the Decision is read from the copy, so
	// that its strings and raw parts never point into the pooled buffer.
	both := make([]byte, len(answer)+len(caseJSON))
	copy(both, answer)
	copy(both[len(answer):], caseJSON)
	release(kept, answer)
	d, err := parseDecision(both[:len(answer):len(answer)])
	if err != nil {
		return nil, err
	}
	d.policy = p
	d.caseJSON = both[len(answer):]
	if o != nil {
		d.options = *o
	}
	return d, nil
}

// VersionInfo describes one version of a set.
type VersionInfo struct {
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Effective string   `json:"effective"`
	Digest    string   `json:"digest"`
	Folder    string   `json:"folder"`
	Fields    []string `json:"fields"`  // the case fields it reads
	Outputs   []string `json:"outputs"` // the outputs it decides
}

// Info describes a loaded set.
type Info struct {
	Name        string        `json:"name"`
	EffectiveBy string        `json:"effective_by"` // the case field whose date picks the version ("" if none)
	InForce     string        `json:"in_force"`     // the version in force now
	Versions    []VersionInfo `json:"versions"`
	Verdict     string        `json:"verdict"` // the engine's version
	ABI         int           `json:"abi"`
}

// Info describes the set: its name, versions, fields and outputs.
func (p *Policy) Info() (*Info, error) {
	handle, err := p.live()
	if err != nil {
		return nil, err
	}
	out, status := cPolicyInfo(handle)
	runtime.KeepAlive(p)
	if status != statusOK {
		return nil, errorFrom(status, out, p.Path)
	}
	var info Info
	if err := json.Unmarshal(out, &info); err != nil {
		return nil, errors.New("verdict: the library's set info is not the expected JSON: " + err.Error())
	}
	return &info, nil
}

// Schema is the JSON Schema (draft 2020-12) of the case input of a version (as the set's `version`
// names it), or of the version in force now when version is "". An unknown version is a *RequestError.
func (p *Policy) Schema(version string) (json.RawMessage, error) {
	handle, err := p.live()
	if err != nil {
		return nil, err
	}
	out, status, err := cCaseSchema(handle, version)
	runtime.KeepAlive(p)
	if err != nil {
		return nil, err
	}
	if status != statusOK {
		return nil, errorFrom(status, out, p.Path)
	}
	return out, nil
}

// BenchAnswer is for benchmarks: it decides the case iterations times inside the library, never
// crossing into Go, and returns the time taken — the cost a call from Go adds is a Decide's time
// minus this one's per iteration.
func (p *Policy) BenchAnswer(caseJSON []byte, iterations uint64, opts ...Option) (time.Duration, error) {
	handle, err := p.live()
	if err != nil {
		return 0, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	encoded, err := o.encode()
	if err != nil {
		return 0, err
	}
	ns, status := cBenchAnswer(handle, caseJSON, encoded, iterations)
	runtime.KeepAlive(p)
	if status != statusOK {
		// The same call through verdict_decide says why.
		if _, err := p.decide(nil, caseJSON, &o); err != nil {
			return 0, err
		}
		return 0, errorFrom(status, nil, p.Path)
	}
	return time.Duration(ns), nil
}
