package dev.verdict;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to decide a case: with an explanation (compact or full), its text in a language, clocks judged at
 * an instant, "why not?" questions. Immutable and thread-safe; build once and reuse:
 * <pre>{@code
 * DecideOptions options = DecideOptions.builder().explain(true).lang("zh").whyNot("approver=branch_manager").build();
 * }</pre>
 * The library checks the values (an unknown language, a bad instant or question is a
 * {@link RequestException} naming the option).
 */
public final class DecideOptions {
    /** How much explanation to add to a decision. */
    public enum Explain {
        /** None (the default). */
        NONE,
        /** The rules that decided and the conditions that did not hold. */
        COMPACT,
        /** Every rule evaluated. */
        FULL
    }

    /** No options: the decision alone. */
    public static final DecideOptions NONE = builder().build();

    private final Explain explain;
    private final String lang;
    private final String now;
    private final List<String> whyNot;
    private final String schemaDigest;
    private final byte[] json; // NUL-terminated, or null for no options
    private final byte[] textJson; // the same with "format": "text"

    private DecideOptions(Builder b) {
        explain = b.explain;
        lang = b.lang;
        now = b.now;
        whyNot = List.copyOf(b.whyNot);
        schemaDigest = b.schemaDigest;
        json = encode(null, lang);
        textJson = encode("text", lang);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Explain explain() {
        return explain;
    }

    /** The language of the explanation's text ({@code "en"} or {@code "zh"}), or null for none. */
    public String lang() {
        return lang;
    }

    /** The instant clocks are judged at (RFC 3339), or null: clocks then give deadlines only. */
    public String now() {
        return now;
    }

    public List<String> whyNot() {
        return whyNot;
    }

    /** The schema digest generated types were made from, checked against the deciding version's; or null. */
    public String schemaDigest() {
        return schemaDigest;
    }

    /** These options with {@code digest} as the schema digest (for a {@link GeneratedCase}). */
    DecideOptions withSchemaDigest(String digest) {
        Builder b = builder().explain(explain).lang(lang).now(now).schemaDigest(digest);
        b.whyNot.addAll(whyNot);
        return b.build();
    }

    /** The options as the library's JSON, e.g. {@code {"explain":"compact","lang":"zh"}}. */
    @Override
    public String toString() {
        return json == null ? "{}" : new String(json, 0, json.length - 1, java.nio.charset.StandardCharsets.UTF_8);
    }

    byte[] json() {
        return json;
    }

    /** These options asking for the plain-text explanation, in {@code language} (null: these options' own). */
    byte[] text(String language) {
        return language == null || language.equals(lang) ? textJson : encode("text", language);
    }

    private byte[] encode(String format, String language) {
        StringBuilder s = new StringBuilder("{");
        if (explain != Explain.NONE) member(s, "explain").append(explain == Explain.FULL ? "\"full\"" : "\"compact\"");
        if (language != null) quote(member(s, "lang"), language);
        if (now != null) quote(member(s, "now"), now);
        if (!whyNot.isEmpty()) {
            member(s, "why_not").append('[');
            for (int k = 0; k < whyNot.size(); k++) {
                if (k > 0) s.append(',');
                quote(s, whyNot.get(k));
            }
            s.append(']');
        }
        if (format != null) quote(member(s, "format"), format);
        if (schemaDigest != null) quote(member(s, "schema_digest"), schemaDigest);
        if (s.length() == 1) return null;
        return LibVerdict.cString(s.append('}').toString());
    }

    private static StringBuilder member(StringBuilder s, String name) {
        if (s.length() > 1) s.append(',');
        return s.append('"').append(name).append("\":");
    }

    /** A JSON string: quotes, backslashes and control characters escaped (a lone surrogate is escaped as \\uXXXX). */
    static StringBuilder quote(StringBuilder s, String text) {
        s.append('"');
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '"' || c == '\\') s.append('\\').append(c);
            else if (c < 0x20 || Character.isSurrogate(c) && !pairedAt(text, k)) s.append(String.format("\\u%04x", (int) c));
            else if (Character.isHighSurrogate(c)) s.append(c).append(text.charAt(++k));
            else s.append(c);
        }
        return s.append('"');
    }

    private static boolean pairedAt(String t, int k) {
        char c = t.charAt(k);
        return Character.isHighSurrogate(c) && k + 1 < t.length() && Character.isLowSurrogate(t.charAt(k + 1));
    }

    /** Builds {@link DecideOptions}; every setter replaces the value before it. */
    public static final class Builder {
        private Explain explain = Explain.NONE;
        private String lang;
        private String now;
        private final List<String> whyNot = new ArrayList<>();
        private String schemaDigest;

        private Builder() {
        }

        /** Adds the compact explanation ({@code true}) or none ({@code false}). */
        public Builder explain(boolean explain) {
            this.explain = explain ? Explain.COMPACT : Explain.NONE;
            return this;
        }

        public Builder explain(Explain explain) {
            this.explain = Objects.requireNonNull(explain, "explain");
            return this;
        }

        /** Adds the explanation as text in this language: {@code "en"} or {@code "zh"}. */
        public Builder lang(String lang) {
            this.lang = lang;
            return this;
        }

        /** Judges SLA clocks at this instant, an RFC 3339 timestamp such as {@code 2026-05-01T09:00:00+08:00}. */
        public Builder now(String now) {
            this.now = now;
            return this;
        }

        public Builder now(OffsetDateTime now) {
            this.now = now == null ? null : now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return this;
        }

        /** Adds "why not?" questions such as {@code "approver=branch_manager"}, answered in {@link Decision#whyNot()}. */
        public Builder whyNot(String... questions) {
            for (String q : questions) whyNot.add(Objects.requireNonNull(q, "a why-not question"));
            return this;
        }

        /** Sends the schema digest generated types were made from: a case decided by a version with another is refused (schema-changed). */
        public Builder schemaDigest(String digest) {
            this.schemaDigest = digest;
            return this;
        }

        public DecideOptions build() {
            return new DecideOptions(this);
        }
    }
}
