package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input of every kind is a clear exception saying where and why, never a crash. */
class ErrorsTest {
    static Policy policy;

    @BeforeAll
    static void load() {
        policy = Policy.load(Fixtures.QUALITY);
    }

    @AfterAll
    static void close() {
        policy.close();
    }

    @Test
    void aCaseThatIsNotAnObject() {
        CaseException e = assertThrows(CaseException.class, () -> policy.decide("[1, 2]"));
        assertEquals("a case must be a JSON object, found an array", e.getMessage());
        assertEquals("case-refused", e.error());
        assertEquals(List.of(new CaseProblem(null, "wrong-type", "a case must be a JSON object, found an array", null)), e.problems());
        assertEquals("quality-complaints", e.policy().name());
        assertNull(e.caseId());
        assertTrue(e.json().startsWith("{") && e.json().contains("\"case-refused\""), e.json());
        assertThrows(CaseException.class, () -> policy.decide("\"a string\""));
        assertThrows(CaseException.class, () -> policy.decide("null"));
    }

    @Test
    void aCaseThatIsNotJson() {
        CaseException e = assertThrows(CaseException.class, () -> policy.decide("{not json"));
        assertEquals("json-syntax", e.problems().get(0).code());
        assertTrue(e.getMessage().contains("1:2"), e.getMessage());
        assertThrows(CaseException.class, () -> policy.decide(""));
    }

    @Test
    void invalidUtf8Bytes() {
        byte[] bad = "{\"id\": \"\u0000\"}".getBytes(StandardCharsets.UTF_8);
        bad[8] = (byte) 0xff;
        CaseException e = assertThrows(CaseException.class, () -> policy.decide(bad, DecideOptions.NONE));
        assertTrue(e.getMessage().contains("invalid UTF-8"), e.getMessage());
        assertEquals("json-syntax", e.problems().get(0).code());
    }

    @Test
    void anUnpairedSurrogateIsRefusedNotTurnedIntoAQuestionMark() {
        String lone = Fixtures.with("id", "\"Q-\uD800?\"");
        CaseException e = assertThrows(CaseException.class, () -> policy.decide(lone));
        assertTrue(e.getMessage().contains("unpaired surrogate U+D800 at index"), e.getMessage());
        // A real '?' and a real pair are fine.
        assertEquals("Q-?\uD83D\uDE00", policy.decide(Fixtures.with("id", "\"Q-?\uD83D\uDE00\"")).caseId());
    }

    @Test
    void aLoneSurrogateIsFoundAtEveryPlaceOfTheCase() {
        // The check looks for the '?' Java's encoder puts for it eight bytes at a time: each offset, each length.
        for (int length = 0; length < 26; length++) {
            for (int at = 0; at < length; at++) {
                char[] chars = new char[length];
                java.util.Arrays.fill(chars, '\u00BF'); // bytes C2 BF: BF ^ 3F is 80, no '?'
                chars[at] = '\uDC00';
                String s = new String(chars);
                assertThrows(CaseException.class, () -> Policy.utf8(s), "length " + length + ", at " + at);
                byte[] q = new byte[length];
                java.util.Arrays.fill(q, (byte) 0x3E);
                q[at] = '?';
                assertTrue(Policy.hasQuestionMark(q), "length " + length + ", at " + at);
            }
            byte[] none = new byte[length];
            for (int k = 0; k < length; k++) none[k] = (byte) (k % 2 == 0 ? 0x40 : 0xBF);
            assertTrue(!Policy.hasQuestionMark(none), "length " + length);
            assertDoesNotThrow(() -> Policy.utf8("\uD83D\uDE00".repeat(3) + "x"));
        }
    }

    @Test
    void aCaseWithProblemsNamesEachField() {
        CaseException e = assertThrows(CaseException.class, () -> policy.decide(Fixtures.with("cost", "\"12.5.0\"")));
        assertEquals("Q-2026-0042", e.caseId());
        CaseProblem p = e.problems().get(0);
        assertEquals("cost", p.field());
        assertEquals("invalid-value", p.code());
        assertTrue(p.message().contains("12.5.0"), p.message());
        CaseException missing = assertThrows(CaseException.class, () -> policy.decide("{\"id\": \"x\"}"));
        assertTrue(missing.problems().size() > 5);
        assertTrue(missing.problems().stream().allMatch(q -> q.code().equals("missing-field")));
    }

    @Test
    void badOptionsNameTheOption() {
        RequestException lang = assertThrows(RequestException.class,
            () -> policy.decide(Fixtures.CASE, DecideOptions.builder().lang("fr").build()));
        assertEquals("lang", lang.option());
        assertEquals("option `lang`: `fr` is not a language: use en or zh", lang.getMessage());
        RequestException now = assertThrows(RequestException.class,
            () -> policy.decide(Fixtures.CASE, DecideOptions.builder().now("yesterday").build()));
        assertEquals("now", now.option());
        RequestException whyNot = assertThrows(RequestException.class,
            () -> policy.decide(Fixtures.CASE, DecideOptions.builder().whyNot("no_such_output=1").build()));
        assertEquals("why_not", whyNot.option());
        assertThrows(RequestException.class, () -> policy.decide(Fixtures.CASE, DecideOptions.builder().whyNot("\uD800").build()));
        assertThrows(RequestException.class, () -> policy.decide(Fixtures.CASE).text("fr"));
    }

    @Test
    void aBrokenSetIsLocated(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, "policy:\n  name: broken\n  version: \"1\"\n  effective: 2026-01-01\nfields:\n  cost: {type: mony}\n");
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.load(dir));
        assertEquals("policy-invalid", e.error());
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(new Diagnostic("error", "unknown-type", "unknown type `mony`", file.toString(), 6, 16, "did you mean `money`?", List.of()), d);
        assertEquals(file + ":6:16: error: unknown type `mony`", d.toString());
        assertTrue(e.text().contains(" 6 |   cost: {type: mony}"), e.text());
        assertTrue(e.getMessage().contains("does not load: 1 error"), e.getMessage());
    }

    @Test
    void aMissingFolder() {
        PolicyException e = assertThrows(PolicyException.class, () -> Policy.load(Path.of("/nonexistent/verdict")));
        assertTrue(e.getMessage().contains("/nonexistent/verdict"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Policy.load("bad\0name"));
        assertThrows(NullPointerException.class, () -> Policy.load((Path) null));
        assertThrows(NullPointerException.class, () -> policy.decide((String) null));
        assertThrows(NullPointerException.class, () -> policy.decide(Fixtures.CASE, null));
        assertThrows(NullPointerException.class, () -> policy.caseSchema(null));
        assertThrows(IllegalArgumentException.class, () -> policy.caseSchema("1.0.0\0x"));
    }

    @Test
    void useAfterCloseIsClear() {
        long before = Verdict.liveHandles();
        Policy p = Policy.load(Fixtures.QUALITY);
        assertEquals(before + 1, Verdict.liveHandles());
        Decision d = p.decide(Fixtures.CASE);
        p.close();
        assertTrue(p.isClosed());
        assertEquals(before, Verdict.liveHandles());
        PolicyClosedException e = assertThrows(PolicyClosedException.class, () -> p.decide(Fixtures.CASE));
        assertEquals("the policy set loaded from " + Fixtures.QUALITY + " has been closed: load it again to decide with it", e.getMessage());
        assertThrows(PolicyClosedException.class, p::info);
        assertThrows(PolicyClosedException.class, p::caseSchema);
        assertThrows(PolicyClosedException.class, () -> d.text("en"));
        assertEquals("head_office", d.output("approver"));  // a decision already made stays readable
        assertDoesNotThrow(p::close);  // closing twice is harmless
        assertEquals(before, Verdict.liveHandles());
        assertTrue(p.toString().endsWith(", closed)"));
    }

    @Test
    void aPolicyNeverClosedIsFreedWhenCollected() throws InterruptedException {
        long before = Verdict.liveHandles();
        for (int i = 0; i < 5; i++) Policy.load(Fixtures.QUALITY).decide(Fixtures.CASE);
        assertEquals(before + 5, Verdict.liveHandles());
        for (int i = 0; i < 100 && Verdict.liveHandles() > before; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(before, Verdict.liveHandles());
    }

    @Test
    void loadsAndClosesWithoutLeaking() {
        long before = Verdict.liveHandles();
        for (int i = 0; i < 20; i++) {
            try (Policy p = Policy.load(Fixtures.QUALITY)) {
                p.decide(Fixtures.CASE);
            }
        }
        assertEquals(before, Verdict.liveHandles());
    }
}
