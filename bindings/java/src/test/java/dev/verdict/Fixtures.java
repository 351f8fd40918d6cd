package dev.verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's policies and sample case; test.sh passes the repository root as -Dverdict.root. */
final class Fixtures {
    static final Path ROOT = Path.of(System.getProperty("verdict.root", "../..")).toAbsolutePath().normalize();
    static final Path QUALITY = ROOT.resolve("policies/quality-complaints");
    static final Path AMENDED = ROOT.resolve("policies/examples/quality-complaints-amended");
    static final String CASE = read(QUALITY.resolve("examples/henan-tier3.json"));

    private Fixtures() {
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sample case with one member's JSON value replaced. */
    static String with(String field, String jsonValue) {
        String out = CASE.replaceFirst("\"" + field + "\": [^,\\n]+", "\"" + field + "\": " + java.util.regex.Matcher.quoteReplacement(jsonValue));
        if (out.equals(CASE) && !CASE.contains("\"" + field + "\": " + jsonValue)) throw new IllegalArgumentException("no field " + field);
        return out;
    }
}
