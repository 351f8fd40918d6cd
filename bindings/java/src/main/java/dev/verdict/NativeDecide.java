package dev.verdict;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The decision call through JNI (native/verdict_jni.c, built by build.sh into verdict.jar as
 * {@value #RESOURCE}): one crossing that copies the case in and the answer out, where JNA's path makes
 * several. Set up once per JVM, after JNA has loaded libverdict.so, by giving the JNI library the address
 * of {@code verdict_decide_into}. When it is not in the jar (built without a C compiler or the JDK's
 * {@code jni.h}), does not load, or is turned off with {@value #PURE}=1, decisions go through JNA, with the
 * same answers; {@value #REQUIRE}=1 makes its absence a {@link VerdictLibraryException} instead.
 */
final class NativeDecide {
    /** Where build.sh puts the JNI library in the jar. */
    static final String RESOURCE = "/dev/verdict/native/libverdictjni.so";
    /** The environment variable that turns the JNI path off (decisions through JNA only). */
    static final String PURE = "VERDICT_PURE_JAVA";
    /** The environment variable that makes the JNI path's absence an error (set by test.sh and CI). */
    static final String REQUIRE = "VERDICT_REQUIRE_JNI";

    /** The JNI library's file once in use, else null and {@link #absent} says why. Set once, before LibVerdict is ready. */
    static String library;
    static String absent = "libverdict.so is not loaded yet";

    private NativeDecide() {
    }

    static boolean on(String variable) {
        String v = System.getenv(variable);
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    /** Sets up the JNI path for the loaded library, or records why decisions go through JNA. */
    static void setUp(NativeLibrary lib) {
        if (on(PURE)) {
            absent = "turned off by " + PURE;
        } else {
            try {
                String file = extract();
                System.load(file);
                init(Pointer.nativeValue(lib.getFunction("verdict_decide_into")));
                library = file;
                absent = null;
            } catch (IOException | RuntimeException | LinkageError e) {
                absent = e instanceof AbsentException ? e.getMessage()
                    : "the JNI library libverdictjni.so does not load: " + e;
            }
        }
        if (library == null && on(REQUIRE)) {
            throw new VerdictLibraryException(REQUIRE + " is set but decisions would go through JNA: " + absent, null);
        }
    }

    private static final class AbsentException extends RuntimeException {
        AbsentException(String message) {
            super(message, null, false, false);
        }
    }

    /** The jar's JNI library copied to a file of its own (removed when the JVM exits; it stays loaded). */
    private static String extract() throws IOException {
        try (InputStream in = NativeDecide.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new AbsentException("the JNI library was not built into verdict.jar (bindings/java/build.sh found no C "
                    + "compiler or no jni.h of a JDK, openjdk-17-jdk-headless)");
            }
            Path file = Files.createTempFile("libverdictjni-", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file.toString();
        }
    }

    /** Gives the JNI library the address of verdict_decide_into. */
    private static native void init(long decideIntoAddress);

    /**
     * verdict_decide_into with this thread's native buffers: {@code options} NUL-terminated or null. The
     * answer's bytes (the decision, or the error's JSON), with {@code result[0]} the status; null with
     * status ERR_SPACE and {@code result[1]} the last length when the answer's length changed on every try.
     */
    static native byte[] decide(long handle, byte[] caseJson, byte[] options, int[] result);
}
