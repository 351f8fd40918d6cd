package dev.verdict;

import java.nio.charset.StandardCharsets;

/** The library itself: its versions and live handles. Every method loads libverdict.so on first use. */
public final class Verdict {
    private Verdict() {
    }

    /** The engine's version, "major.minor.patch". */
    public static String version() {
        LibVerdict.ensure();
        return LibVerdict.verdict_version().getString(0, StandardCharsets.UTF_8.name());
    }

    /** The library's ABI version; this binding loads only {@value LibVerdict#ABI}. */
    public static int abiVersion() {
        LibVerdict.ensure();
        return LibVerdict.verdict_abi_version();
    }

    /**
     * The file of the JNI library decisions go through (built by bindings/java/build.sh into verdict.jar
     * where a C compiler and the JDK's jni.h are found, and copied out of it when the library loads), or
     * null when they go through JNA: not built, not loadable, or turned off with the environment variable
     * {@code VERDICT_PURE_JAVA=1}. Both give the same answers; the JNI call costs less. With
     * {@code VERDICT_REQUIRE_JNI=1}, its absence is a {@link VerdictLibraryException} instead.
     */
    public static String jniLibrary() {
        LibVerdict.ensure();
        return NativeDecide.library;
    }

    /** Why decisions go through JNA, or null when the JNI library is in use ({@link #jniLibrary()}). */
    public static String jniAbsent() {
        LibVerdict.ensure();
        return NativeDecide.absent;
    }

    /** How many policy sets are loaded and not yet closed, in this process: for leak checks. */
    public static long liveHandles() {
        LibVerdict.ensure();
        return LibVerdict.verdict_live_handles();
    }
}
