package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding libverdict.so, each way in a JVM of its own (the library is loaded once per JVM): where it is
 * looked for, and a clear VerdictLibraryException — twice alike — when it is missing, not libverdict, or of
 * another ABI version.
 */
class LibraryTest {
    static final String LIBRARY = System.getProperty("verdict.library");
    static final String CLASSPATH = System.getProperty("verdict.test.classpath", System.getProperty("java.class.path"));

    /** The probe's two lines, run with these JVM options and environment (VERDICT_LIBRARY and LD_LIBRARY_PATH unset unless given). */
    static List<String> probe(Map<String, String> env, String... options) throws IOException, InterruptedException {
        return probe(CLASSPATH, env, options);
    }

    static List<String> probe(String classpath, Map<String, String> env, String... options) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, "-Dverdict.root=" + Fixtures.ROOT));
        command.addAll(List.of(options));
        command.add(LibraryProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("VERDICT_LIBRARY");
        pb.environment().remove("LD_LIBRARY_PATH");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(2, lines.size(), out);
        assertEquals(lines.get(0), lines.get(1), "loading a set after asking the version says the same");
        return lines;
    }

    static Path compile(Path dir, String source) throws IOException, InterruptedException {
        Path c = dir.resolve("fake.c");
        Files.writeString(c, source);
        Path lib = dir.resolve("libverdict.so");
        Process p = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", lib.toString(), c.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        return lib;
    }

    @Test
    void foundByTheSystemProperty() throws Exception {
        String line = probe(Map.of(), "-Dverdict.library=" + LIBRARY).get(0);
        assertEquals("ok " + Verdict.version() + " abi 1", line);
    }

    @Test
    void foundByTheEnvironment() throws Exception {
        assertTrue(probe(Map.of("VERDICT_LIBRARY", LIBRARY)).get(0).startsWith("ok "));
    }

    @Test
    void foundOnTheLibraryPath() throws Exception {
        Path folder = Path.of(LIBRARY);
        if (!Files.isDirectory(folder)) folder = folder.getParent();
        assertTrue(probe(Map.of(), "-Djna.library.path=" + folder).get(0).startsWith("ok "));
        assertTrue(probe(Map.of("LD_LIBRARY_PATH", folder.toString())).get(0).startsWith("ok "));
    }

    @Test
    void missingWhereGiven() throws Exception {
        assertEquals("VerdictLibraryException: libverdict.so was not found at /nonexistent/verdict (given by the system property "
            + "verdict.library): bindings/build-library.sh builds it and prints its folder",
            probe(Map.of(), "-Dverdict.library=/nonexistent/verdict").get(0));
        assertTrue(probe(Map.of("VERDICT_LIBRARY", "/nonexistent/verdict")).get(0)
            .contains("(given by the environment variable VERDICT_LIBRARY)"));
    }

    @Test
    void missingEverywhere() throws Exception {
        String line = probe(Map.of()).get(0);
        assertTrue(line.startsWith("VerdictLibraryException: libverdict.so was not found: set the system property verdict.library "
            + "or the environment variable VERDICT_LIBRARY"), line);
    }

    @Test
    void withoutJna() throws Exception {
        String withoutJna = String.join(java.io.File.pathSeparator, java.util.Arrays.stream(CLASSPATH.split(java.io.File.pathSeparator))
            .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("jna")).toList());
        assertEquals("VerdictLibraryException: JNA is not on the class path (com/sun/jna/NativeLibrary is missing): the Verdict "
            + "binding calls libverdict.so through it; add jna.jar (Debian: /usr/share/java/jna.jar, package libjna-java)",
            probe(withoutJna, Map.of(), "-Dverdict.library=" + LIBRARY).get(0));
    }

    @Test
    void anotherAbiVersion(@TempDir Path dir) throws Exception {
        Path lib = compile(dir, "unsigned verdict_abi_version(void) { return 2; }\n");
        assertEquals("VerdictLibraryException: " + lib + " (given by the system property verdict.library) has ABI version 2, and "
            + "this binding (dev.verdict) was written for ABI version 1: use the libverdict.so of the same Verdict release as the binding",
            probe(Map.of(), "-Dverdict.library=" + dir).get(0));
    }

    @Test
    void notLibverdict(@TempDir Path dir) throws Exception {
        Path lib = compile(dir, "int something_else(void) { return 1; }\n");
        assertEquals("VerdictLibraryException: " + lib + " (given by the system property verdict.library) is not libverdict: "
            + "it has no verdict_abi_version", probe(Map.of(), "-Dverdict.library=" + lib).get(0));
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "not a library");
        String line = probe(Map.of(), "-Dverdict.library=" + text).get(0);
        assertTrue(line.startsWith("VerdictLibraryException: " + text + " (given by the system property verdict.library) cannot be loaded: "), line);
    }
}
