package dev.verdict;

/**
 * A case type {@code verdict codegen java} generated for a policy set: the schema digest of the version it
 * was made from, and the case as JSON. {@link Policy#decide(GeneratedCase)} sends the digest with the case;
 * the library refuses it with a {@link CaseException} (problem code {@code schema-changed}) when the
 * version that decides it has other fields or outputs: run {@code verdict codegen} again then.
 */
public interface GeneratedCase {
    /** The schema digest the type was generated from ({@code sha256:} and 64 hex digits). */
    String schemaDigest();

    /** The case as the JSON object the set decides. */
    String toJson();
}
