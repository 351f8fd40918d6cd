package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example is examples/example/Example.java verbatim, and it runs and prints what the README shows. */
class ReadmeExampleTest {
    static final Path BINDING = Fixtures.ROOT.resolve("bindings/java");

    /** The fenced block of the README after the line naming it. */
    static String block(String readme, String after, String fence) {
        int at = readme.indexOf(after);
        assertTrue(at >= 0, "the README has no " + after);
        int start = readme.indexOf(fence + "\n", at) + fence.length() + 1;
        int end = readme.indexOf("```\n", start);
        return readme.substring(start, end);
    }

    @Test
    void theReadmeShowsTheExampleFile() {
        String readme = Fixtures.read(BINDING.resolve("README.md"));
        assertEquals(Fixtures.read(BINDING.resolve("examples/example/Example.java")), block(readme, "examples/example/Example.java", "```java"));
    }

    @Test
    void theExampleRunsAndPrintsWhatTheReadmeShows() {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        long before = Verdict.liveHandles();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            example.Example.main(new String[] {Fixtures.QUALITY.toString()});
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        String readme = Fixtures.read(BINDING.resolve("README.md"));
        assertEquals(block(readme, "It prints:", "```text"), out);
        assertEquals(before, Verdict.liveHandles());
    }
}
