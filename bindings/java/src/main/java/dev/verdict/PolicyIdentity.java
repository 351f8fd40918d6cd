package dev.verdict;

/**
 * The version of a policy set a case was decided by: its name, version, effective date (ISO 8601,
 * {@code 2026-01-01}) and digest ({@code sha256:...} over its files).
 */
public record PolicyIdentity(String name, String version, String effective, String digest) {
}
