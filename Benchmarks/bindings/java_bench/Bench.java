package dev.verdict;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-call cost of the Java binding against the Swift library's own JSON-in, JSON-out decision
 * (verdict_bench_answer), in one JVM and one run, after a warm-up for the JIT. A call is
 * Policy.decide(String) and Decision.json(): the case encoded to UTF-8, the C call, the answer copied
 * out and decoded to a String. It is in the binding's package to time its two paths in the same rounds —
 * through JNI (libverdictjni.so, when the jar carries it and VERDICT_PURE_JAVA is not set) and through
 * JNA — and the parts of a JNA call one by one: encoding the case, copying it into native memory, the
 * bare JNA call, copying the answer out, decoding it; and the bare JNI call (case in, answer out).
 * Prints one JSON line, as Benchmarks/bindings/bench.c does: call_ns is the binding's own path; then
 * path, jna_call_ns and jna_overhead_ns, the parts (each a median of its own, in ns), and
 * calls_per_s_2_threads. Usage: bench.sh [LIBDIR] [SECONDS]
 */
public final class Bench {
    static volatile int sink;
    static final int BLOCK = 250;

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        String json = Files.readString(root.resolve("policies/quality-complaints/examples/henan-tier3.json"));
        try (Policy policy = Policy.load(root.resolve("policies/quality-complaints"))) {
            String jni = Verdict.jniLibrary();
            // A handle of its own for the bare calls.
            LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
            s.memory.setLong(16, 0);
            if (LibVerdict.verdict_policy_load(LibVerdict.cString(root.resolve("policies/quality-complaints").toString()), s.word, s.out, s.length) != 0) {
                throw new IllegalStateException("the set did not load");
            }
            s.take();
            long handle = s.memory.getLong(16);
            byte[] c = json.getBytes(StandardCharsets.UTF_8);
            Memory in = new Memory(4 << 10), out = new Memory(64 << 10);
            Pointer length = new Memory(8);
            int[] result = new int[2];

            // The ways, each timed over a block of BLOCK calls in every round.
            Runnable[] ways = {
                () -> sink += policy.decide(json).json().length(),                          // 0 the binding's path
                () -> {                                                                      // 1 through JNA
                    String kept = NativeDecide.library;
                    NativeDecide.library = null;
                    try {
                        for (int i = 0; i < BLOCK; i++) sink += policy.decide(json).json().length();
                    } finally {
                        NativeDecide.library = kept;
                    }
                },
                () -> sink += Policy.utf8(json).length,                                      // 2 encode
                () -> in.write(0, c, 0, c.length),                                            // 3 copy in
                () -> sink += LibVerdict.verdict_decide_into(handle, in, c.length, null, out, out.size(), length), // 4 bare JNA call
                () -> sink += out.getByteArray(0, (int) length.getLong(0)).length,           // 5 copy out
                () -> sink += new String(out.getByteArray(0, (int) length.getLong(0)), StandardCharsets.UTF_8).length(), // 6 copy out + decode
                () -> sink += jni == null ? 0 : NativeDecide.decide(handle, c, null, result).length, // 7 bare JNI call
            };
            String[] names = {"call", "jna_call", "encode", "jna_copy_in", "jna_bare_call", "jna_copy_out", "copy_out_decode", "jni_bare_call"};
            in.write(0, c, 0, c.length);
            LibVerdict.verdict_decide_into(handle, in, c.length, null, out, out.size(), length);

            // Warm-up: the JIT compiles each way.
            long warm = System.nanoTime() + (long) (seconds / 2 * 1e9);
            while (System.nanoTime() < warm) {
                for (int w = 0; w < ways.length; w++) time(ways[w], w == 1);
            }
            policy.benchLibrary(json, DecideOptions.NONE, 10_000);

            // Paired rounds, the library alone then each way, so all see the same load on a busy machine;
            // each figure is the median over the rounds (per call, in ns).
            int most = 100_000;
            double[] inside = new double[most];
            double[][] way = new double[ways.length][most];
            long until = System.nanoTime() + (long) (2 * seconds * 1e9);
            int r = 0;
            for (; r < most && (r < 20 || System.nanoTime() < until); r++) {
                inside[r] = policy.benchLibrary(json, DecideOptions.NONE, BLOCK) / (double) BLOCK;
                for (int w = 0; w < ways.length; w++) way[w][r] = time(ways[w], w == 1);
            }
            double insideNs = median(inside, r);
            double[] med = new double[ways.length], over = new double[ways.length];
            for (int w = 0; w < ways.length; w++) {
                med[w] = median(way[w], r);
                double[] d = new double[r];
                for (int k = 0; k < r; k++) d[k] = way[w][k] - inside[k];
                over[w] = median(d, r);
            }
            LibVerdict.verdict_policy_free(handle);

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

            StringBuilder line = new StringBuilder();
            line.append(String.format("{\"language\": \"java\", \"library_ns\": %.0f, \"call_ns\": %.0f, \"overhead_ns\": %.0f, \"calls_per_s\": %.0f, "
                + "\"path\": \"%s\", \"jna_call_ns\": %.0f, \"jna_overhead_ns\": %.0f",
                insideNs, med[0], over[0], 1e9 / med[0], jni == null ? "jna" : "jni", med[1], over[1]));
            // The parts: encode, copies and decode alone; the bare calls as their cost over the library's own loop.
            line.append(String.format(", \"encode_ns\": %.0f, \"jna_copy_in_ns\": %.0f, \"jna_bare_call_overhead_ns\": %.0f, "
                + "\"jna_copy_out_ns\": %.0f, \"decode_ns\": %.0f", med[2], med[3], over[4], med[5], med[6] - med[5]));
            if (jni != null) line.append(String.format(", \"jni_bare_call_overhead_ns\": %.0f", over[7]));
            line.append(String.format(", \"rounds\": %d, \"calls_per_s_2_threads\": %.0f}", r, twoThreads));
            System.out.println(line);
        }
    }

    /** Nanoseconds a call of one way over a block (a way that loops itself runs once). */
    static double time(Runnable way, boolean loops) {
        long t0 = System.nanoTime();
        if (loops) {
            way.run();
        } else {
            for (int i = 0; i < BLOCK; i++) way.run();
        }
        return (System.nanoTime() - t0) / (double) BLOCK;
    }

    static double median(double[] values, int n) {
        double[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
