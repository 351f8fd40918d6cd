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

    /** How many policy sets are loaded and not yet closed, in this process: for leak checks. */
    public static long liveHandles() {
        LibVerdict.ensure();
        return LibVerdict.verdict_live_handles();
    }
}
