// Per-call cost of the Go binding against the Swift library's own JSON-in, JSON-out decision
// (verdict_bench_answer), in one process and one run, as Benchmarks/bindings/bench.c measures C's.
// Prints one JSON line: language, library_ns, call_ns (DecideJSON, one goroutine), overhead_ns,
// calls_per_s; then c_call_ns (verdict_decide_into with a kept buffer, called from C in this process, in rounds alternating with
// the Go ones) and binding_ns (call_ns - c_call_ns: what Go adds to a C call), append_ns (DecideAppend
// into a reused buffer, in the same rounds), cgo_call_ns (the same C loop called from Go once per
// decision, in the same rounds: a cgo crossing around each verdict_decide_into, with none of the
// binding's Go code — what a call costs from Go at the least), c_call_switches_per_1000 and
// cgo_call_switches_per_1000 (the context switches of all the process's threads during those two ways,
// per 1,000 decisions: what the Go scheduler does around a long cgo call), cgo_ns (a cgo call to a C function that does nothing),
// calls_per_s_2_goroutines
// (DecideJSON on two goroutines; GOMAXPROCS is the machine's cores unless set) and decide_ns (Decide,
// which also parses the answer into a Decision).
//
//	Usage, from this folder: VERDICT_LIBRARY=$(../../../bindings/build-library.sh release)/libverdict.so \
//	  GOFLAGS=-mod=mod GOPROXY=off go run . ROOT SECONDS
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../../../include
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include "verdict.h"

// The same library (dlopen of the path the binding opened gives the same one), called from C in a
// loop: what a call costs without Go, in this process, between the Go rounds.
static __typeof__(&verdict_decide_into) c_decide_into;
static __typeof__(&verdict_policy_load) c_policy_load;

static const char *c_open(const char *path) {
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) return dlerror();
    c_decide_into = (__typeof__(c_decide_into))dlsym(library, "verdict_decide_into");
    c_policy_load = (__typeof__(c_policy_load))dlsym(library, "verdict_policy_load");
    return c_decide_into && c_policy_load ? NULL : "a function is missing";
}

static int c_nothing(int x) { return x + 1; }

static verdict_policy c_load(const char *folder) {
    verdict_policy p = 0;
    return c_policy_load(folder, &p, NULL, NULL) == VERDICT_OK ? p : 0;
}

// verdict_decide_into with one buffer kept across calls, as the binding calls it.
static char c_buffer[64 << 10];
static int c_loop(verdict_policy p, const char *c, size_t len, int n) {
    for (int i = 0; i < n; i++) {
        size_t out_len;
        int status = c_decide_into(p, c, len, NULL, c_buffer, sizeof c_buffer, &out_len);
        if (status != VERDICT_OK) return status;
    }
    return VERDICT_OK;
}
*/
import "C"

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"verdict.dev/verdict"
)

func main() {
	root, seconds := ".", 2.0
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	if len(os.Args) > 2 {
		s, err := strconv.ParseFloat(os.Args[2], 64)
		if err != nil || s <= 0 || s > 600 {
			fail(fmt.Errorf("SECONDS must be a number of seconds up to 600, got %q", os.Args[2]))
		}
		seconds = s
	}
	span := time.Duration(seconds * float64(time.Second))
	policy, err := verdict.Load(filepath.Join(root, "policies", "quality-complaints"))
	if err != nil {
		fail(err)
	}
	defer policy.Close()
	c, err := os.ReadFile(filepath.Join(root, "policies", "quality-complaints", "examples", "henan-tier3.json"))
	if err != nil {
		fail(err)
	}

	// The library alone, first as a warm-up (half the time), then in the alternating rounds below.
	for warm := time.Duration(0); warm < span/2; {
		d, err := policy.BenchAnswer(c, 10000)
		if err != nil {
			fail(err)
		}
		warm += d
	}
	var inside time.Duration
	var insideN uint64
	// Through the binding: each call has the library write the answer into Go memory.
	loop := func(call func() error) (n uint64, elapsed time.Duration) {
		start := time.Now()
		for elapsed < span {
			for i := 0; i < 10000; i++ {
				if err := call(); err != nil {
					fail(err)
				}
			}
			n += 10000
			elapsed = time.Since(start)
		}
		return
	}
	// The library's own loop, DecideJSON, DecideAppend, verdict_decide_into from C in a loop and from Go
	// one cgo call a decision, in alternating rounds of 2,000 so all see the same load of the machine.
	if err := verdict.LoadLibrary(""); err != nil {
		fail(err)
	}
	libraryPath := os.Getenv(verdict.LibraryEnv)
	if libraryPath == "" {
		libraryPath = "libverdict.so"
	}
	cpath := C.CString(libraryPath)
	if e := C.c_open(cpath); e != nil {
		fail(fmt.Errorf("dlopen %s: %s", libraryPath, C.GoString(e)))
	}
	cfolder := C.CString(filepath.Join(root, "policies", "quality-complaints"))
	cpolicy := C.c_load(cfolder)
	C.free(unsafe.Pointer(cpath))
	C.free(unsafe.Pointer(cfolder))
	if cpolicy == 0 {
		fail(fmt.Errorf("the set did not load from C"))
	}
	ccase := C.CBytes(c)
	defer C.free(ccase)
	var n, appendN, cN uint64
	var elapsed, appendElapsed, cElapsed, oneElapsed time.Duration
	var buffer []byte
	var cSwitches, cgoSwitches int
	for elapsed < span {
		d, err := policy.BenchAnswer(c, 2000)
		if err != nil {
			fail(err)
		}
		inside += d
		insideN += 2000
		start := time.Now()
		for i := 0; i < 2000; i++ {
			if _, err := policy.DecideJSON(c); err != nil {
				fail(err)
			}
		}
		elapsed += time.Since(start)
		n += 2000
		start = time.Now()
		for i := 0; i < 2000; i++ {
			if buffer, err = policy.DecideAppend(buffer[:0], c); err != nil {
				fail(err)
			}
		}
		appendElapsed += time.Since(start)
		appendN += 2000
		s0 := threadSwitches()
		start = time.Now()
		if C.c_loop(cpolicy, (*C.char)(ccase), C.size_t(len(c)), 2000) != 0 {
			fail(fmt.Errorf("verdict_decide_into from C failed"))
		}
		cElapsed += time.Since(start)
		cN += 2000
		s1 := threadSwitches()
		start = time.Now()
		for i := 0; i < 2000; i++ {
			if C.c_loop(cpolicy, (*C.char)(ccase), C.size_t(len(c)), 1) != 0 {
				fail(fmt.Errorf("verdict_decide_into from C failed"))
			}
		}
		oneElapsed += time.Since(start)
		s2 := threadSwitches()
		cSwitches += s1 - s0
		cgoSwitches += s2 - s1
	}
	typedN, typedElapsed := loop(func() error { _, err := policy.Decide(c); return err })

	// Two goroutines on the one policy.
	var total atomic.Uint64
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k, _ := loop(func() error { _, err := policy.DecideJSON(c); return err })
			total.Add(k)
		}()
	}
	wg.Wait()
	both := time.Since(start)

	// A cgo call that does nothing: the crossing alone.
	start = time.Now()
	for i := 0; i < 1000000; i++ {
		C.c_nothing(C.int(i))
	}
	crossing := float64(time.Since(start).Nanoseconds()) / 1e6

	library := float64(inside.Nanoseconds()) / float64(insideN)
	call := float64(elapsed.Nanoseconds()) / float64(n)
	cCall := float64(cElapsed.Nanoseconds()) / float64(cN)
	fmt.Printf("{\"language\": \"go\", \"library_ns\": %.0f, \"call_ns\": %.0f, \"overhead_ns\": %.0f, \"calls_per_s\": %.0f, "+
		"\"c_call_ns\": %.0f, \"binding_ns\": %.0f, \"append_ns\": %.0f, \"cgo_call_ns\": %.0f, \"cgo_ns\": %.0f, "+
		"\"c_call_switches_per_1000\": %.1f, \"cgo_call_switches_per_1000\": %.1f, \"calls_per_s_2_goroutines\": %.0f, \"gomaxprocs\": %d, \"decide_ns\": %.0f}\n",
		library, call, call-library, 1e9/call, cCall, call-cCall, float64(appendElapsed.Nanoseconds())/float64(appendN),
		float64(oneElapsed.Nanoseconds())/float64(cN), crossing, float64(cSwitches)*1000/float64(cN), float64(cgoSwitches)*1000/float64(cN), float64(total.Load())/both.Seconds(), runtime.GOMAXPROCS(0),
		float64(typedElapsed.Nanoseconds())/float64(typedN))
}

// threadSwitches is the number of context switches of all the process's threads so far (voluntary and
// not, from /proc; 0 where there is none).
func threadSwitches() int {
	total := 0
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		status, _ := os.ReadFile(filepath.Join("/proc/self/task", t.Name(), "status"))
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "voluntary_ctxt_switches:") || strings.HasPrefix(line, "nonvoluntary_ctxt_switches:") {
				if n, err := strconv.Atoi(strings.TrimSpace(line[strings.IndexByte(line, ':')+1:])); err == nil {
					total += n
				}
			}
		}
	}
	return total
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "go bench:", err)
	os.Exit(1)
}
