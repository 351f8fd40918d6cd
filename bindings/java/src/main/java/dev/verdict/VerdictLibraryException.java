package dev.verdict;

/**
 * libverdict.so could not be used: not found where it was looked for (the message says where), not
 * loadable, or of another ABI version than this binding's.
 */
public final class VerdictLibraryException extends VerdictException {
    VerdictLibraryException(String message, Throwable cause) {
        super("library", message, "", cause);
    }
}
