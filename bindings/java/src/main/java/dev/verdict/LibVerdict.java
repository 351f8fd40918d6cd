package dev.verdict;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.File;
import java.nio.charset.StandardCharsets;

/**
 * libverdict.so through JNA direct mapping (the fastest JNA calls), located and checked once per JVM:
 * the system property {@code verdict.library}, else the environment variable {@code VERDICT_LIBRARY}
 * (either the library file or the folder holding {@code libverdict.so}), else {@code libverdict.so} by
 * name on {@code jna.library.path} and the system's library path. Its ABI version must be {@link #ABI}.
 */
final class LibVerdict {
    /** The ABI version this binding is written for (VERDICT_ABI_VERSION of include/verdict.h). */
    static final int ABI = 1;

    static final int OK = 0, ERR_POLICY = 1, ERR_CASE = 2, ERR_REQUEST = 3, ERR_HANDLE = 4, ERR_ARGUMENT = 5, ERR_SPACE = 6;

    private static volatile boolean ready;
    private static String failure;
    private static Throwable failureCause;

    private LibVerdict() {
    }

    /** Loads the library the first time; afterwards only a volatile read. */
    static void ensure() {
        if (!ready) load();
    }

    private static synchronized void load() {
        if (ready) return;
        if (failure != null) throw new VerdictLibraryException(failure, failureCause);
        try {
            NativeLibrary lib = open();
            Native.register(LibVerdict.class, lib);
            NativeDecide.setUp(lib);
            ready = true;
        } catch (VerdictLibraryException e) {
            failure = e.getMessage();
            failureCause = e.getCause();
            throw e;
        } catch (NoClassDefFoundError e) {
            failure = "JNA is not on the class path (" + e.getMessage() + " is missing): the Verdict binding calls "
                + "libverdict.so through it; add jna.jar (Debian: /usr/share/java/jna.jar, package libjna-java)";
            failureCause = e;
            throw new VerdictLibraryException(failure, e);
        } catch (LinkageError e) {
            failure = "JNA cannot call native code here: " + oneLine(e.getMessage());
            failureCause = e;
            throw new VerdictLibraryException(failure, e);
        }
    }

    private static NativeLibrary open() {
        String property = System.getProperty("verdict.library");
        String env = System.getenv("VERDICT_LIBRARY");
        if (property != null && !property.isEmpty()) return openFile(property, "the system property verdict.library");
        if (env != null && !env.isEmpty()) return openFile(env, "the environment variable VERDICT_LIBRARY");
        NativeLibrary lib;
        try {
            lib = NativeLibrary.getInstance("verdict");
        } catch (UnsatisfiedLinkError e) {
            throw new VerdictLibraryException("libverdict.so was not found: set the system property verdict.library "
                + "or the environment variable VERDICT_LIBRARY to it (or to its folder), or put its folder on "
                + "jna.library.path (now " + System.getProperty("jna.library.path", "unset") + ") or LD_LIBRARY_PATH; "
                + "bindings/build-library.sh builds it and prints its folder", e);
        }
        return checked(lib, "libverdict.so on the library path (" + lib.getFile() + ")");
    }

    private static NativeLibrary openFile(String given, String from) {
        File f = new File(given);
        if (f.isDirectory()) f = new File(f, "libverdict.so");
        if (!f.isFile()) {
            throw new VerdictLibraryException("libverdict.so was not found at " + f.getAbsolutePath() + " (given by " + from
                + "): bindings/build-library.sh builds it and prints its folder", null);
        }
        NativeLibrary lib;
        try {
            lib = NativeLibrary.getInstance(f.getAbsolutePath());
        } catch (UnsatisfiedLinkError e) {
            throw new VerdictLibraryException(f.getAbsolutePath() + " (given by " + from + ") cannot be loaded: " + oneLine(e.getMessage()), e);
        }
        return checked(lib, f.getAbsolutePath() + " (given by " + from + ")");
    }

    /** JNA's message names each place it tried on a line of its own: one line, for a message that is one. */
    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\n\\s*", "; ");
    }

    /** Refuses a library of another ABI version, or one that is not libverdict, before binding a function. */
    private static NativeLibrary checked(NativeLibrary lib, String where) {
        if (Native.SIZE_T_SIZE != 8) {
            throw new VerdictLibraryException("the Verdict binding needs a 64-bit JVM (size_t is " + Native.SIZE_T_SIZE + " bytes here)", null);
        }
        Function abi;
        try {
            abi = lib.getFunction("verdict_abi_version");
        } catch (UnsatisfiedLinkError e) {
            throw new VerdictLibraryException(where + " is not libverdict: it has no verdict_abi_version", e);
        }
        int version = abi.invokeInt(new Object[0]);
        if (version != ABI) {
            throw new VerdictLibraryException(where + " has ABI version " + Integer.toUnsignedString(version)
                + ", and this binding (dev.verdict) was written for ABI version " + ABI
                + ": use the libverdict.so of the same Verdict release as the binding", null);
        }
        for (String name : new String[] {"verdict_decide", "verdict_decide_into"}) {
            try {
                lib.getFunction(name);
            } catch (UnsatisfiedLinkError e) {
                throw new VerdictLibraryException(where + " lacks " + name + " although it says ABI " + ABI
                    + ": use the libverdict.so of the same Verdict release as the binding", e);
            }
        }
        return lib;
    }

    /** A NUL-terminated UTF-8 copy of a text passed as {@code const char *}. */
    static byte[] cString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = new byte[b.length + 1];
        System.arraycopy(b, 0, z, 0, b.length);
        return z;
    }

    /**
     * Per-thread native scratch for the out-parameters: the buffer pointer at 0, its length at 8, a
     * handle or a count at 16. Reused by every call of the thread, so a call allocates no native memory.
     */
    static final class Scratch {
        final Memory memory = new Memory(24);
        final Pointer out = memory.share(0, 8);
        final Pointer length = memory.share(8, 8);
        final Pointer word = memory.share(16, 8);

        /** Takes the buffer a call returned (or null), copies it out and frees it. */
        byte[] take() {
            long address = memory.getLong(0);
            if (address == 0) return null;
            Pointer p = new Pointer(address);
            long n = memory.getLong(8);
            try {
                if (n < 0 || n > Integer.MAX_VALUE - 8) {
                    throw new VerdictException("library", "the library answered " + Long.toUnsignedString(n) + " bytes, more than a Java array holds", "");
                }
                return p.getByteArray(0, (int) n);
            } finally {
                memory.setLong(0, 0);
                verdict_free(p);
            }
        }

        /** The native copy of the case, and the buffer the answer is written into: kept per thread. */
        private Memory input = new Memory(4 << 10);
        private Memory answer = new Memory(16 << 10);
        /** The status of the last {@link #decide}. */
        int status;

        /** The most a thread keeps of either buffer between calls; a longer case or answer gets its own. */
        static final long KEPT = 1 << 20;

        /** The status and, after ERR_SPACE, the length, from {@link NativeDecide#decide}. */
        private final int[] result = new int[2];

        /**
         * verdict_decide_into through JNI when {@link NativeDecide} is set up (one crossing), else through
         * JNA ({@link #decideJna}); the same answer and status either way. Sets {@link #status}.
         */
        byte[] decide(long handle, byte[] caseJson, byte[] options) {
            return NativeDecide.library != null ? decideJni(handle, caseJson, options) : decideJna(handle, caseJson, options);
        }

        /** {@link #decide} through JNI: the case in and the answer out in the one call, with C's per-thread buffers. */
        byte[] decideJni(long handle, byte[] caseJson, byte[] options) {
            byte[] out = NativeDecide.decide(handle, caseJson, options, result);
            if (out == null) throw unreadable(Integer.toUnsignedLong(result[1]));
            status = result[0];
            return out;
        }

        private static VerdictException unreadable(long n) {
            return new VerdictException("library", "the library's answer of " + Long.toUnsignedString(n)
                + " bytes could not be taken (more than a Java array holds, or its length changed on every try)", "");
        }

        /**
         * verdict_decide_into through JNA with this thread's buffers: the case copied into native memory once, the
         * answer written by the library into the thread's buffer and copied out, one call into the library
         * (a second when the answer is longer than the buffer, which then grows). Sets {@link #status}.
         */
        byte[] decideJna(long handle, byte[] caseJson, byte[] options) {
            Memory in = input;
            if (caseJson.length > in.size()) {
                in = new Memory(caseJson.length);
                if (caseJson.length <= KEPT) input = in;
            }
            if (caseJson.length > 0) in.write(0, caseJson, 0, caseJson.length);
            Memory buffer = answer;
            for (int attempt = 0; ; attempt++) {
                int st = verdict_decide_into(handle, in, caseJson.length, options, buffer, buffer.size(), length);
                long n = memory.getLong(8);
                if (st != ERR_SPACE) {
                    status = st;
                    return buffer.getByteArray(0, (int) n);
                }
                if (attempt == 2 || n < 0 || n > Integer.MAX_VALUE - 8) throw unreadable(n);
                buffer = new Memory(Math.max(n + 1, 2 * buffer.size()));
                if (buffer.size() <= KEPT) answer = buffer;
            }
        }
    }

    // A lambda, not Scratch::new: the method reference would link Scratch (and so JNA's classes) when this
    // class initialises, before ensure() can say that JNA is missing.
    static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch());

    // The C functions (include/verdict.h). size_t and uint64_t are Java longs (64-bit platforms only).
    static native int verdict_abi_version();

    static native Pointer verdict_version();

    static native void verdict_free(Pointer buffer);

    static native int verdict_policy_load(byte[] directory, Pointer handle, Pointer out, Pointer outLen);

    static native int verdict_policy_free(long handle);

    static native int verdict_policy_info(long handle, Pointer out, Pointer outLen);

    static native int verdict_case_schema(long handle, byte[] version, Pointer out, Pointer outLen);

    static native int verdict_decide(long handle, byte[] caseJson, long caseLen, byte[] options, Pointer out, Pointer outLen);

    static native int verdict_decide_into(long handle, Pointer caseJson, long caseLen, byte[] options, Pointer buffer, long capacity, Pointer outLen);

    static native int verdict_bench_answer(long handle, byte[] caseJson, long caseLen, byte[] options, long iterations, Pointer nanoseconds);

    static native long verdict_live_handles();
}
