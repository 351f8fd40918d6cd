package dev.verdict;

/** Run in a JVM of its own by LibraryTest: loads the library twice and prints what happened each time. */
public final class LibraryProbe {
    private LibraryProbe() {
    }

    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            try {
                System.out.println("ok " + Verdict.version() + " abi " + Verdict.abiVersion());
            } catch (VerdictLibraryException e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }
}
