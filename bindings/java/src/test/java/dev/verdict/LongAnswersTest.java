package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * verdict_decide_into with each thread's buffers: a case or an answer longer than the thread's buffer
 * (which grows, up to what a thread keeps), one longer than that, short ones again, and threads deciding
 * long and short answers at once, each reading only its own.
 */
class LongAnswersTest {
    private static String withId(String id) {
        return Fixtures.with("id", "\"" + id + "\"");
    }

    @Test
    void answersLongerThanTheBufferGrowIt() {
        try (Policy policy = Policy.load(Fixtures.QUALITY)) {
            String shortAnswer = policy.decide(Fixtures.CASE).json();
            for (int size : new int[] {20_000, 300_000, 1_500_000}) {
                String id = "L".repeat(size);
                Decision d = policy.decide(withId(id));
                assertEquals(id, d.caseId());
                assertTrue(d.json().length() > size && d.json().contains("\"approver\":\"head_office\""));
                assertEquals(shortAnswer, policy.decide(Fixtures.CASE).json());
            }
        }
    }

    @Test
    void threadsKeepTheirOwnBuffers() throws Exception {
        try (Policy policy = Policy.load(Fixtures.QUALITY)) {
            List<String> cases = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                cases.add(withId("T" + w + "-" + "x".repeat(w * 9_000)));
                expected.add(policy.decide(cases.get(w)).json());
            }
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int w = 0; w < 6; w++) {
                    final int worker = w;
                    results.add(pool.submit(() -> {
                        int differing = 0;
                        int[] order = {worker, (worker + 1) % 6, worker, (worker + 3) % 6};
                        for (int round = 0; round < 40; round++) {
                            for (int i : order) {
                                if (!policy.decide(cases.get(i)).json().equals(expected.get(i))) differing++;
                            }
                        }
                        return differing;
                    }));
                }
                int differing = 0;
                for (Future<Integer> r : results) differing += r.get();
                assertEquals(0, differing);
            } finally {
                pool.shutdown();
            }
        }
    }
}
