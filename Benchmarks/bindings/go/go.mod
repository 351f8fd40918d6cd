module verdict.dev/verdict/bench

go 1.19

require verdict.dev/verdict v0.0.0

replace verdict.dev/verdict => ../../../bindings/go
