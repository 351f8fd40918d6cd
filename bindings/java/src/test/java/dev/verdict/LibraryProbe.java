package dev.verdict;

/**
 * Run in a JVM of its own by LibraryTest: asks the library's version, then loads the sample set, and prints
 * what happened each time (the same line both times when all is well, and when the library cannot be used).
 */
public final class LibraryProbe {
    private LibraryProbe() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("ok " + Verdict.version() + " abi " + Verdict.abiVersion());
        } catch (VerdictLibraryException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try (Policy policy = Policy.load(Fixtures.QUALITY)) {
            System.out.println("ok " + policy.info().verdict() + " abi " + Verdict.abiVersion());
        } catch (VerdictLibraryException e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
