package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The decision call's two paths: through JNI (libverdictjni.so in the jar) and through JNA. test.sh runs
 * the whole suite once each way (VERDICT_REQUIRE_JNI=1, then VERDICT_PURE_JAVA=1); here both are called
 * side by side on the same inputs and must give the same status and bytes.
 */
class NativePathTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void thePathInUseIsTheOneAsked() {
        String library = Verdict.jniLibrary(), absent = Verdict.jniAbsent();
        assertTrue((library == null) != (absent == null), "exactly one of the JNI library and the reason it is absent: " + library + " / " + absent);
        if (NativeDecide.on(NativeDecide.PURE)) {
            assertNull(library);
            assertTrue(absent.contains("VERDICT_PURE_JAVA"), absent);
        } else if (NativeDecide.on(NativeDecide.REQUIRE)) {
            assertNotNull(library, absent);
            assertTrue(library.endsWith(".so"), library);
        }
    }

    /** A status and the bytes of one call. */
    private record Answer(int status, byte[] bytes) {
        static Answer of(LibVerdict.Scratch s, byte[] bytes) {
            return new Answer(s.status, bytes);
        }

        void assertSame(Answer other, String what) {
            assertEquals(status, other.status, what + ": status");
            assertArrayEquals(bytes, other.bytes, what + ": bytes");
        }
    }

    private static Answer jni(long handle, byte[] c, byte[] options) {
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        return Answer.of(s, s.decideJni(handle, c, options));
    }

    private static Answer jna(long handle, byte[] c, byte[] options) {
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        return Answer.of(s, s.decideJna(handle, c, options));
    }

    private static long load() {
        LibVerdict.ensure();
        LibVerdict.Scratch s = LibVerdict.SCRATCH.get();
        s.memory.setLong(16, 0);
        assertEquals(LibVerdict.OK, LibVerdict.verdict_policy_load(LibVerdict.cString(Fixtures.QUALITY.toString()), s.word, s.out, s.length));
        s.take();
        return s.memory.getLong(16);
    }

    private static void assumeJni() {
        LibVerdict.ensure();
        assumeTrue(NativeDecide.library != null, "the JNI path is not in use: " + NativeDecide.absent);
    }

    @Test
    void bothPathsGiveTheSameAnswersAndErrors() {
        assumeJni();
        long handle = load();
        try {
            String emoji = Fixtures.with("id", "\"投诉-😀-𝄞-é\"");
            byte[] badUtf8 = utf8(Fixtures.CASE);
            badUtf8[badUtf8.length / 2] = (byte) 0xff;
            Object[][] calls = {
                {"the sample case", utf8(Fixtures.CASE), null},
                {"explained in Chinese", utf8(Fixtures.CASE), LibVerdict.cString("{\"explain\":\"full\",\"lang\":\"zh\"}")},
                {"why not, as text", utf8(Fixtures.CASE), LibVerdict.cString("{\"why_not\":[\"approver=branch_manager\"],\"format\":\"text\",\"lang\":\"zh\"}")},
                {"Chinese and emoji", utf8(emoji), null},
                {"an answer past the first buffer", utf8(Fixtures.with("id", "\"" + "长".repeat(9_000) + "\"")), null},
                {"an answer past what a thread keeps", utf8(Fixtures.with("id", "\"" + "L".repeat(1_200_000) + "\"")), null},
                {"the first buffer again", utf8(Fixtures.CASE), null},
                {"bad UTF-8", badUtf8, null},
                {"not JSON", utf8("{\"id\": "), null},
                {"not an object", utf8("[]"), null},
                {"empty", new byte[0], null},
                {"a field missing", utf8("{\"id\": \"x\"}"), null},
                {"an unknown language", utf8(Fixtures.CASE), LibVerdict.cString("{\"lang\":\"fr\"}")},
                {"options not JSON", utf8(Fixtures.CASE), LibVerdict.cString("{")},
            };
            for (Object[] call : calls) {
                String what = (String) call[0];
                byte[] c = (byte[]) call[1], options = (byte[]) call[2];
                Answer a = jni(handle, c, options), b = jna(handle, c, options);
                a.assertSame(b, what);
                assertTrue(a.bytes.length > 0, what);
            }
            assertEquals(LibVerdict.OK, jni(handle, utf8(emoji), null).status);
            assertTrue(new String(jni(handle, utf8(emoji), null).bytes, StandardCharsets.UTF_8).contains("\"case\":\"投诉-😀-𝄞-é\""));
            assertEquals(LibVerdict.ERR_CASE, jni(handle, badUtf8, null).status);
        } finally {
            LibVerdict.verdict_policy_free(handle);
        }
        // A freed handle: the same error each way, never a crash.
        Answer a = jni(handle, utf8(Fixtures.CASE), null), b = jna(handle, utf8(Fixtures.CASE), null);
        a.assertSame(b, "a freed handle");
        assertEquals(LibVerdict.ERR_HANDLE, a.status);
    }

    @Test
    void aPolicyDecidesAlikeEachWay() {
        assumeJni();
        try (Policy policy = Policy.load(Fixtures.QUALITY)) {
            String emoji = Fixtures.with("id", "\"投诉-😀\"");
            Decision d = policy.decide(emoji, DecideOptions.builder().explain(DecideOptions.Explain.COMPACT).lang("zh").build());
            String kept = NativeDecide.library;
            NativeDecide.library = null;
            Decision e;
            try {
                e = policy.decide(emoji, DecideOptions.builder().explain(DecideOptions.Explain.COMPACT).lang("zh").build());
            } finally {
                NativeDecide.library = kept;
            }
            assertEquals(e.json(), d.json());
            assertEquals("投诉-😀", d.caseId());
        }
    }

    @Test
    void threadsAlternatingPathsReadTheirOwnAnswers() throws Exception {
        assumeJni();
        long handle = load();
        try {
            List<byte[]> cases = new ArrayList<>();
            List<Answer> expected = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                cases.add(utf8(Fixtures.with("id", "\"T" + w + "-" + "字".repeat(w * 4_000) + "\"")));
                expected.add(jna(handle, cases.get(w), null));
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int w = 0; w < 6; w++) {
                    final int worker = w;
                    results.add(pool.submit(() -> {
                        int checked = 0;
                        for (int round = 0; round < 30; round++) {
                            for (int i : new int[] {worker, (worker + 2) % 6, (worker + 5) % 6}) {
                                Answer got = (round + i) % 2 == 0 ? jni(handle, cases.get(i), null) : jna(handle, cases.get(i), null);
                                got.assertSame(expected.get(i), "worker " + worker + ", case " + i);
                                checked++;
                            }
                        }
                        return checked;
                    }));
                }
                for (Future<Integer> f : results) assertEquals(90, f.get());
            } finally {
                pool.shutdown();
            }
        } finally {
            LibVerdict.verdict_policy_free(handle);
        }
    }
}
