package dev.verdict;

/** One reason a case was refused: its field (null for the case as a whole), code, message and help (or null). */
public record CaseProblem(String field, String code, String message, String help) {
    @Override
    public String toString() {
        return (field == null ? "" : field + ": ") + message + (help == null ? "" : " (" + help + ")");
    }
}
