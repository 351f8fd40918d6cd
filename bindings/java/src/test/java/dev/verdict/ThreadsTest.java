package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One Policy on many threads: every answer the same as one thread's, and closing while others decide is safe. */
class ThreadsTest {
    @Test
    void manyThreadsDecideAlike() throws Exception {
        DecideOptions explained = DecideOptions.builder().explain(true).lang("zh").build();
        try (Policy policy = Policy.load(Fixtures.QUALITY)) {
            String expected = policy.decide(Fixtures.CASE, explained).json();
            String refused = Fixtures.with("cost", "\"12.5.0\"");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        int differing = 0;
                        for (int i = 0; i < 200; i++) {
                            if (!policy.decide(Fixtures.CASE, explained).json().equals(expected)) differing++;
                            try {
                                policy.decide(refused);
                                differing++;
                            } catch (CaseException e) {
                                if (!"cost".equals(e.problems().get(0).field())) differing++;
                            }
                        }
                        return differing;
                    }));
                }
                int differing = 0;
                for (Future<Integer> f : results) differing += f.get();
                assertEquals(0, differing);
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void closingWhileOthersDecide() throws Exception {
        long before = Verdict.liveHandles();
        for (int round = 0; round < 5; round++) {
            Policy policy = Policy.load(Fixtures.QUALITY);
            AtomicInteger decided = new AtomicInteger(), closed = new AtomicInteger(), other = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        try {
                            if ("head_office".equals(policy.decide(Fixtures.CASE).output("approver"))) decided.incrementAndGet();
                            else other.incrementAndGet();
                        } catch (PolicyClosedException e) {
                            closed.incrementAndGet();
                        } catch (RuntimeException e) {
                            other.incrementAndGet();
                        }
                    }
                });
            }
            while (decided.get() < 50) Thread.onSpinWait();
            policy.close();
            pool.shutdown();
            assertTrue(pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, other.get());
            assertEquals(8000, decided.get() + closed.get());
            assertTrue(policy.isClosed());
        }
        assertEquals(before, Verdict.liveHandles());
    }
}
