package dev.verdict;

import java.util.List;

/**
 * The policy set did not load: every error located at file:line:column ({@link #diagnostics()}), and
 * the same as {@code verdict check} prints them, with the source lines ({@link #text()}).
 */
public final class PolicyException extends VerdictException {
    private final List<Diagnostic> diagnostics;
    private final String text;

    PolicyException(String message, List<Diagnostic> diagnostics, String text, String json) {
        super("policy-invalid", message, json);
        this.diagnostics = List.copyOf(diagnostics);
        this.text = text;
    }

    /** Every diagnostic, errors and warnings, in the order the check found them. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The diagnostics as {@code verdict check} prints them, with the source lines; empty if none came. */
    public String text() {
        return text;
    }
}
