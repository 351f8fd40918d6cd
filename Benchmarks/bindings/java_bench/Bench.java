import dev.verdict.DecideOptions;
import dev.verdict.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-call cost of the Java binding against the Swift library's own JSON-in, JSON-out decision
 * (verdict_bench_answer), in one JVM and one run, after a warm-up for the JIT. A call is
 * Policy.decide(String) and Decision.json(): the case encoded to UTF-8, the C call, the answer copied
 * out, freed, and decoded to a String. Prints one JSON line, as Benchmarks/bindings/bench.c does, with
 * calls_per_s_2_threads added. Usage: bench.sh [LIBDIR] [SECONDS]
 */
public final class Bench {
    static volatile int sink;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        String json = Files.readString(root.resolve("policies/quality-complaints/examples/henan-tier3.json"));
        try (Policy policy = Policy.load(root.resolve("policies/quality-complaints"))) {
            // Warm-up: the JIT compiles the binding's path, each side once.
            through(policy, json, Math.max(1, seconds / 2));
            policy.benchLibrary(json, DecideOptions.NONE, 10_000);

            // Paired rounds, the library alone then through the binding, so both see the same load on a busy
            // machine; each figure is the median over the rounds.
            int most = 100_000;
            double[] inside = new double[most], call = new double[most], overhead = new double[most];
            long until = System.nanoTime() + (long) (2 * seconds * 1e9);
            int r = 0;
            for (; r < most && (r < 20 || System.nanoTime() < until); r++) {
                inside[r] = policy.benchLibrary(json, DecideOptions.NONE, 1000) / 1000.0;
                long t0 = System.nanoTime();
                for (int i = 0; i < 1000; i++) sink += policy.decide(json).json().length();
                call[r] = (System.nanoTime() - t0) / 1000.0;
                overhead[r] = call[r] - inside[r];
            }
            double insideNs = median(inside, r), callNs = median(call, r), overheadNs = median(overhead, r);

            // Two threads on one Policy: calls per second in all.
            AtomicLong calls = new AtomicLong();
            long deadline = System.nanoTime() + (long) (seconds * 1e9);
            Thread[] threads = new Thread[2];
            long start = System.nanoTime();
            for (int t = 0; t < threads.length; t++) {
                threads[t] = new Thread(() -> {
                    long n = 0;
                    while (System.nanoTime() < deadline) {
                        for (int i = 0; i < 1000; i++) sink += policy.decide(json).json().length();
                        n += 1000;
                    }
                    calls.addAndGet(n);
                });
                threads[t].start();
            }
            for (Thread t : threads) t.join();
            double twoThreads = calls.get() * 1e9 / (System.nanoTime() - start);

            System.out.printf("{\"language\": \"java\", \"library_ns\": %.0f, \"call_ns\": %.0f, \"overhead_ns\": %.0f, "
                + "\"calls_per_s\": %.0f, \"calls_per_s_2_threads\": %.0f}%n", insideNs, callNs, overheadNs, 1e9 / callNs, twoThreads);
        }
    }

    static double median(double[] values, int n) {
        double[] v = java.util.Arrays.copyOf(values, n);
        java.util.Arrays.sort(v);
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** Nanoseconds per call through the binding, timed over about `seconds`. */
    static double through(Policy policy, String json, double seconds) {
        long n = 0, start = System.nanoTime(), end = start;
        while (end - start < seconds * 1e9) {
            for (int i = 0; i < 10_000; i++) sink += policy.decide(json).json().length();
            n += 10_000;
            end = System.nanoTime();
        }
        return (double) (end - start) / n;
    }
}
