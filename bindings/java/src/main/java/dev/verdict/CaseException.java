package dev.verdict;

import java.util.List;

/**
 * The case was refused — not JSON, not an object, not UTF-8, a field missing or malformed, a date before
 * every version — with each problem named ({@link #problems()}) and the version that judged it
 * ({@link #policy()}).
 */
public final class CaseException extends VerdictException {
    private final String caseId;
    private final List<CaseProblem> problems;
    private final PolicyIdentity policy;

    CaseException(String message, String caseId, List<CaseProblem> problems, PolicyIdentity policy, String json) {
        super("case-refused", message, json);
        this.caseId = caseId;
        this.problems = List.copyOf(problems);
        this.policy = policy;
    }

    /** The case's id, or null when the case has none (or could not be read). */
    public String caseId() {
        return caseId;
    }

    /** Each problem: the field (null for the case as a whole), a code, a message, and help if any. */
    public List<CaseProblem> problems() {
        return problems;
    }

    /** The version of the set that refused the case; null if the library named none. */
    public PolicyIdentity policy() {
        return policy;
    }
}
