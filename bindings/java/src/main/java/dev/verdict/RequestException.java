package dev.verdict;

/**
 * The decision options could not be used: an unknown language, a bad {@code now}, a why-not question the
 * set cannot read, an unknown version. {@link #option()} names the option.
 */
public final class RequestException extends VerdictException {
    private final String option;

    RequestException(String message, String option, String json) {
        super("invalid-request", message, json);
        this.option = option;
    }

    /** The option that could not be used (e.g. {@code "lang"}, {@code "why_not"}), or null. */
    public String option() {
        return option;
    }
}
