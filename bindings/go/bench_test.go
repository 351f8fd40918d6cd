package verdict_test

import "testing"

// go test -bench . -run ^$ : a call's cost from Go. Benchmarks/bindings/go compares it with the
// library's own loop and with calls from C, and prints the JSON line the other bindings print.

func BenchmarkDecideJSON(b *testing.B) {
	p, c := load(b, qualityComplaints), henan(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := p.DecideJSON(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	p, c := load(b, qualityComplaints), henan(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := p.Decide(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecideJSONParallel(b *testing.B) {
	p, c := load(b, qualityComplaints), henan(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.DecideJSON(c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkLibraryAlone(b *testing.B) {
	p, c := load(b, qualityComplaints), henan(b)
	if _, err := p.BenchAnswer(c, uint64(b.N)); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkDecideAppend(b *testing.B) {
	p, c := load(b, qualityComplaints), henan(b)
	b.ReportAllocs()
	var buffer []byte
	for i := 0; i < b.N; i++ {
		var err error
		if buffer, err = p.DecideAppend(buffer[:0], c); err != nil {
			b.Fatal(err)
		}
	}
}
