package dev.verdict;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The answer about one case: the decision's JSON as the library wrote it ({@link #json()}, the same bytes
 * {@code verdict decide} prints), read on first use into its parts. Numbers are exact: a whole number is a
 * {@code Long}, any other a {@code BigDecimal}; money outputs come as the policy writes them. Immutable and
 * thread-safe.
 */
public final class Decision {
    private final Policy policy;
    private final byte[] caseJson;
    private final DecideOptions options;
    private final byte[] answer;
    private volatile String json;
    private volatile Map<String, Object> parsed;

    Decision(Policy policy, byte[] caseJson, DecideOptions options, byte[] answer) {
        this.policy = policy;
        this.caseJson = caseJson;
        this.options = options;
        this.answer = answer;
    }

    /** The answer as JSON: {"case", "policy", "outputs", and "clocks", "explanation", ... as asked}. */
    public String json() {
        String s = json;
        if (s == null) json = s = new String(answer, StandardCharsets.UTF_8);
        return s;
    }

    /** The answer as one JSON object, read exactly (see the class comment). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = parsed;
        if (m == null) parsed = m = Answers.object(json(), "decision");
        return m;
    }

    /** The case's id, or null when it has none. */
    public String caseId() {
        return Answers.string(toMap(), "case");
    }

    /** The version of the set that decided the case. */
    public PolicyIdentity policy() {
        return Answers.identity(Answers.map(toMap(), "policy"));
    }

    /** Every output the policy decided, by name, in the policy's order. */
    public Map<String, Object> outputs() {
        Map<String, Object> m = Answers.map(toMap(), "outputs");
        return m == null ? Map.of() : m;
    }

    /** One output (a {@code String}, {@code Long}, {@code BigDecimal}, {@code Boolean}, {@code List}...), or null. */
    public Object output(String name) {
        return outputs().get(name);
    }

    /** The SLA clocks by name (each with its status, start, due...); empty when the set has none. */
    public Map<String, Object> clocks() {
        Map<String, Object> m = Answers.map(toMap(), "clocks");
        return m == null ? Map.of() : m;
    }

    /** The explanation as asked with {@link DecideOptions.Builder#explain}, or null. */
    public Map<String, Object> explanation() {
        return Answers.map(toMap(), "explanation");
    }

    /** The explanation as text in the language asked with {@link DecideOptions.Builder#lang}, or null. */
    public String explanationText() {
        return Answers.string(toMap(), "explanation_text");
    }

    /** The answers to the "why not?" questions asked, in order; empty when none was asked. */
    public List<Object> whyNot() {
        return Answers.list(toMap(), "why_not");
    }

    /** The "why not?" answers as text, or null when none was asked. */
    public String whyNotText() {
        return Answers.string(toMap(), "why_not_text");
    }

    /**
     * The decision explained as plain text for people, in {@code lang} ({@code "en"} or {@code "zh"}), as
     * {@code verdict explain} prints it: the same case decided again by the same policy with the same options.
     *
     * @throws PolicyClosedException if the policy has been closed since
     */
    public String text(String lang) {
        return policy.text(caseJson, options, lang);
    }

    @Override
    public String toString() {
        return json();
    }
}
