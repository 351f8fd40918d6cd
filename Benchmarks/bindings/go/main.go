// Per-call cost of the Go binding against the Swift library's own JSON-in, JSON-out decision
// (verdict_bench_answer), in one process and one run, as Benchmarks/bindings/bench.c measures C's.
// Prints one JSON line: language, library_ns, call_ns (DecideJSON, one goroutine), overhead_ns,
// calls_per_s, then calls_per_s_2_goroutines (DecideJSON on two goroutines; GOMAXPROCS is the machine's
// cores unless set) and decide_ns (Decide, which also parses the answer into a Decision).
//
//	Usage, from this folder: VERDICT_LIBRARY=$(../../../bindings/build-library.sh release)/libverdict.so \
//	  GOFLAGS=-mod=mod GOPROXY=off go run . ROOT SECONDS
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

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

	// The library alone: as many iterations as fit in the time, in rounds of 10,000.
	var inside time.Duration
	var insideN uint64
	for inside < span {
		d, err := policy.BenchAnswer(c, 10000)
		if err != nil {
			fail(err)
		}
		inside += d
		insideN += 10000
	}
	// Through the binding: each call copies the answer into Go memory and frees the library's buffer.
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
	n, elapsed := loop(func() error { _, err := policy.DecideJSON(c); return err })
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

	library := float64(inside.Nanoseconds()) / float64(insideN)
	call := float64(elapsed.Nanoseconds()) / float64(n)
	fmt.Printf("{\"language\": \"go\", \"library_ns\": %.0f, \"call_ns\": %.0f, \"overhead_ns\": %.0f, \"calls_per_s\": %.0f, "+
		"\"calls_per_s_2_goroutines\": %.0f, \"gomaxprocs\": %d, \"decide_ns\": %.0f}\n",
		library, call, call-library, 1e9/call, float64(total.Load())/both.Seconds(), runtime.GOMAXPROCS(0),
		float64(typedElapsed.Nanoseconds())/float64(typedN))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "go bench:", err)
	os.Exit(1)
}
