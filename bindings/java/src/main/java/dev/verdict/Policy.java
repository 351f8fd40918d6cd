package dev.verdict;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loaded policy set (a folder of YAML files, with its versions under {@code versions/}), ready to decide
 * cases. Thread-safe: one {@code Policy} may decide on many threads at once, in parallel. Close it when done
 * (try-with-resources); a policy left unclosed is freed when it is garbage collected. Deciding after
 * {@link #close()} is a {@link PolicyClosedException}; closing twice does nothing.
 * <pre>{@code
 * try (Policy policy = Policy.load(Path.of("policies/quality-complaints"))) {
 *     Decision d = policy.decide(caseJson);
 *     d.outputs().get("approver");   // "head_office"
 * }
 * }</pre>
 */
public final class Policy implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** The handle, shared with the cleaner (which must not reach the Policy); 0 once freed. */
    private static final class Handle implements Runnable {
        final AtomicLong value;

        Handle(long h) {
            value = new AtomicLong(h);
        }

        @Override
        public void run() {
            long h = value.getAndSet(0);
            if (h != 0) LibVerdict.verdict_policy_free(h);
        }
    }

    private final String folder;
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;
    private final List<Diagnostic> warnings;

    private Policy(String folder, long h, List<Diagnostic> warnings) {
        this.folder = folder;
        this.handle = new Handle(h);
        this.cleanable = CLEANER.register(this, handle);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Loads, checks and compiles every version of the policy set in {@code folder}.
     *
     * @throws PolicyException with every error at file:line:column when the set does not load
     * @throws VerdictLibraryException when libverdict.so cannot be found or has another ABI version
     */
    public static Policy load(Path folder) {
        Objects.requireNonNull(folder, "folder");
        return load(folder.toString());
    }

    /** {@link #load(Path)} with the folder as a string. */
    public static Policy load(String folder) {
        Objects.requireNonNull(folder, "folder");
        if (folder.indexOf('\0') >= 0) throw new IllegalArgumentException("a folder name cannot hold a NUL character");
        LibVerdict.ensure();
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        s.memory.setLong(16, 0);
        int status = LibVerdict.verdict_policy_load(LibVerdict.cString(folder), s.word, s.out, s.length);
        byte[] out = s.take();
        if (status != LibVerdict.OK) throw Answers.error(status, out, folder);
        long h = s.memory.getLong(16);
        try {
            List<Diagnostic> warnings = out == null ? List.of()
                : Answers.diagnostics(Answers.object(new String(out, StandardCharsets.UTF_8), "load report"));
            return new Policy(folder, h, warnings);
        } catch (RuntimeException | Error e) {
            LibVerdict.verdict_policy_free(h);
            throw e;
        }
    }

    /** The folder it was loaded from, as given. */
    public String folder() {
        return folder;
    }

    /** The check's warnings (a set with errors does not load). */
    public List<Diagnostic> warnings() {
        return warnings;
    }

    /**
     * Decides one case, given as JSON (an object), by the version in force on its date.
     *
     * @throws CaseException when the case is refused (not JSON, not an object, a field missing or malformed...)
     * @throws PolicyClosedException after {@link #close()}
     */
    public Decision decide(String caseJson) {
        return decide(caseJson, DecideOptions.NONE);
    }

    /**
     * Decides one case with options (explanation, language, clocks' instant, why-not questions).
     *
     * @throws RequestException when an option cannot be used
     */
    public Decision decide(String caseJson, DecideOptions options) {
        Objects.requireNonNull(caseJson, "caseJson");
        return run(utf8(caseJson), options);
    }

    /**
     * Decides a case of a type {@code verdict codegen java} generated, sending the schema digest it was made from.
     *
     * @throws CaseException with problem code {@code schema-changed} when the deciding version's fields or
     *     outputs are not those the type was generated from
     */
    public Decision decide(GeneratedCase typed) {
        return decide(typed, DecideOptions.NONE);
    }

    /** Decides a generated case with options; the options' own schema digest is replaced by the case's. */
    public Decision decide(GeneratedCase typed, DecideOptions options) {
        Objects.requireNonNull(typed, "typed");
        Objects.requireNonNull(options, "options");
        return run(utf8(typed.toJson()), options.withSchemaDigest(Objects.requireNonNull(typed.schemaDigest(), "schemaDigest()")));
    }

    /** Decides a case given as UTF-8 bytes (invalid UTF-8 is a {@link CaseException}). */
    public Decision decide(byte[] caseJson, DecideOptions options) {
        Objects.requireNonNull(caseJson, "caseJson");
        return run(caseJson.clone(), options);
    }

    private Decision run(byte[] caseJson, DecideOptions options) {
        Objects.requireNonNull(options, "options");
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        byte[] out;
        try {
            out = s.decide(handle(), caseJson, options.json());
        } finally {
            Reference.reachabilityFence(this);
        }
        if (s.status != LibVerdict.OK) throw Answers.error(s.status, out, folder);
        return new Decision(this, caseJson, options, out);
    }

    /** The plain-text explanation of a decision (format "text") in {@code lang}. */
    String text(byte[] caseJson, DecideOptions options, String lang) {
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        byte[] text = options.text(lang);
        byte[] out;
        try {
            out = s.decide(handle(), caseJson, text);
        } finally {
            Reference.reachabilityFence(this);
        }
        if (s.status != LibVerdict.OK) throw Answers.error(s.status, out, folder);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The set's name, versions (with their fields and outputs) and the version in force now. */
    public PolicyInfo info() {
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        int status;
        try {
            status = LibVerdict.verdict_policy_info(handle(), s.out, s.length);
        } finally {
            Reference.reachabilityFence(this);
        }
        return PolicyInfo.read(answer(status, s.take()));
    }

    /** The JSON Schema (draft 2020-12) of the case input of the version in force now. */
    public String caseSchema() {
        return schema(null);
    }

    /**
     * The JSON Schema of the case input of {@code version} (as the set's {@code version} names it).
     *
     * @throws RequestException when the set has no such version
     */
    public String caseSchema(String version) {
        Objects.requireNonNull(version, "version");
        // A C string ends at its first NUL: "1.0.0\0x" would be read as "1.0.0".
        if (version.indexOf('\0') >= 0) throw new IllegalArgumentException("a version cannot hold a NUL character");
        return schema(LibVerdict.cString(version));
    }

    private String schema(byte[] version) {
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        int status;
        try {
            status = LibVerdict.verdict_case_schema(handle(), version, s.out, s.length);
        } finally {
            Reference.reachabilityFence(this);
        }
        return answer(status, s.take());
    }

    /**
     * For benchmarks: decides the case {@code iterations} times inside the library, never crossing into
     * Java, and returns the nanoseconds taken — the cost a binding's call adds is its own time minus this.
     */
    public long benchLibrary(String caseJson, DecideOptions options, long iterations) {
        Objects.requireNonNull(options, "options");
        byte[] c = utf8(Objects.requireNonNull(caseJson, "caseJson"));
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        int status;
        try {
            status = LibVerdict.verdict_bench_answer(handle(), c, c.length, options.json(), iterations, s.word);
        } finally {
            Reference.reachabilityFence(this);
        }
        if (status != LibVerdict.OK) throw Answers.error(status, null, folder);
        return s.memory.getLong(16);
    }

    private String answer(int status, byte[] out) {
        if (status != LibVerdict.OK) throw Answers.error(status, out, folder);
        if (out == null) throw new OutOfMemoryError("libverdict ran out of memory writing the answer");
        return new String(out, StandardCharsets.UTF_8);
    }

    private long handle() {
        long h = handle.value.get();
        if (h == 0) throw new PolicyClosedException(folder);
        return h;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return handle.value.get() == 0;
    }

    /** Frees the set. Calls already running on other threads finish first; closing again does nothing. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "Policy(" + folder + (isClosed() ? ", closed)" : ")");
    }

    /**
     * The case as UTF-8. Java's encoder would turn an unpaired surrogate into '?', changing the case
     * silently, so a case whose bytes hold a '?' is checked for one, and refused if it has one.
     */
    static byte[] utf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (hasQuestionMark(b)) {
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                    k++;
                } else if (Character.isSurrogate(c)) {
                    String message = String.format("the case is not valid Unicode: an unpaired surrogate U+%04X at index %d "
                        + "of the string, which UTF-8 cannot hold", (int) c, k);
                    throw new CaseException(message, null, List.of(new CaseProblem(null, "json-syntax", message, null)), null, "");
                }
            }
        }
        return b;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Whether b holds a '?', eight bytes at a time (a byte-by-byte loop took a fifth of the binding's own time a call). */
    static boolean hasQuestionMark(byte[] b) {
        int i = 0;
        for (; i + 8 <= b.length; i += 8) {
            long x = (long) LONGS.get(b, i) ^ 0x3F3F3F3F3F3F3F3FL; // a '?' byte becomes 0
            if (((x - 0x0101010101010101L) & ~x & 0x8080808080808080L) != 0) return true;
        }
        for (; i < b.length; i++) {
            if (b[i] == '?') return true;
        }
        return false;
    }
}
