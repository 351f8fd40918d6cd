module verdict.dev/verdict

go 1.19
