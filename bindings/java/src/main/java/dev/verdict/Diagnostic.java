package dev.verdict;

import java.util.List;

/**
 * One finding of the check of a policy set, at {@code file:line:column} (line and column from 1; 0 when
 * the finding has no place in a file, such as a missing folder).
 */
public record Diagnostic(String severity, String code, String message, String file, int line, int column,
                         String help, List<String> notes) {
    public Diagnostic {
        notes = notes == null ? List.of() : List.copyOf(notes);
    }

    /** {@code file:line:column: severity: message}, as the command line prints it. */
    @Override
    public String toString() {
        return (file == null ? "" : file + ":" + line + ":" + column + ": ") + severity + ": " + message;
    }
}
