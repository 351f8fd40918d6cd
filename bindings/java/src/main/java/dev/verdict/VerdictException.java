package dev.verdict;

/**
 * An error the Verdict library reported, with its name ({@code "policy-invalid"}, {@code "case-refused"},
 * {@code "invalid-request"}, ...) and the library's error JSON as it came. The subclasses read its parts.
 */
public class VerdictException extends RuntimeException {
    private final String error;
    private final String json;

    VerdictException(String error, String message, String json) {
        super(message);
        this.error = error;
        this.json = json;
    }

    VerdictException(String error, String message, String json, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.json = json;
    }

    /** The error's name in the library's JSON, e.g. {@code "case-refused"}. */
    public String error() {
        return error;
    }

    /** The library's error JSON, as it came ({@code {"error": ..., "message": ..., ...}}); empty if none. */
    public String json() {
        return json;
    }
}
