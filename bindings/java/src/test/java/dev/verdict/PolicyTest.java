package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every method of Policy, Decision, DecideOptions, PolicyInfo and Verdict on the shipped sets. */
class PolicyTest {
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
    void theLibraryNamesItsVersions() {
        assertTrue(Verdict.version().matches("\\d+\\.\\d+\\.\\d+"), Verdict.version());
        assertEquals(1, Verdict.abiVersion());
        assertTrue(Verdict.liveHandles() >= 1);
    }

    @Test
    void decidesTheSampleCase() {
        Decision d = policy.decide(Fixtures.CASE);
        assertEquals("Q-2026-0042", d.caseId());
        assertEquals("head_office", d.outputs().get("approver"));
        assertEquals(3L, d.output("tier"));
        assertEquals(List.of("office_manager", "division", "head_office"), d.output("notify"));
        assertEquals("2026-03-11T17:00:00+08:00", d.output("report_due"));
        PolicyIdentity id = d.policy();
        assertEquals("quality-complaints", id.name());
        assertEquals("1.0.0", id.version());
        assertEquals("2011-06-12", id.effective());
        assertTrue(id.digest().startsWith("sha256:"), id.digest());
        assertTrue(d.json().startsWith("{\"case\":\"Q-2026-0042\",\"policy\":{"), d.json());
        assertEquals(d.json(), d.toString());
        assertNull(d.explanation());
        assertNull(d.explanationText());
        assertEquals(List.of(), d.whyNot());
        assertNull(d.whyNotText());
        // Without "now" a clock gives its deadline only.
        assertEquals("2026-03-02T10:15:00+08:00", ((Map<?, ?>) d.clocks().get("first_contact")).get("due"));
        assertThrows(UnsupportedOperationException.class, () -> d.outputs().put("approver", "me"));
    }

    @Test
    void theSameBytesAsTheCommandLine() {
        // The CLI's answer for the sample case judged at a fixed instant (docs/library.md's one decision path).
        DecideOptions at = DecideOptions.builder().now("2026-03-03T09:00:00+08:00").build();
        Decision d = policy.decide(Fixtures.CASE, at);
        Map<?, ?> firstContact = (Map<?, ?>) d.clocks().get("first_contact");
        assertEquals("breached", firstContact.get("status"));
        assertEquals("22h45m", firstContact.get("overdue"));
        // next_contact starts at the last contact, 2026-03-03T10:00, an hour after the instant judged at.
        assertEquals("not_started", ((Map<?, ?>) d.clocks().get("next_contact")).get("status"));
        assertEquals("2026-03-03T09:00:00+08:00", d.toMap().get("now"));
        DecideOptions asTime = DecideOptions.builder().now(OffsetDateTime.of(2026, 3, 3, 9, 0, 0, 0, ZoneOffset.ofHours(8))).build();
        assertEquals(d.json(), policy.decide(Fixtures.CASE, asTime).json());
    }

    @Test
    void explainsInEnglishAndChinese() {
        Decision d = policy.decide(Fixtures.CASE, DecideOptions.builder().explain(DecideOptions.Explain.FULL).lang("zh").build());
        assertNotNull(d.explanation());
        assertTrue(d.explanationText().contains("案件 Q-2026-0042"), d.explanationText());
        Decision compact = policy.decide(Fixtures.CASE, DecideOptions.builder().explain(true).build());
        assertNotNull(compact.explanation());
        assertNull(compact.explanationText());
        String en = compact.text("en");
        assertTrue(en.startsWith("Case Q-2026-0042 — policy quality-complaints 1.0.0"), en);
        assertTrue(en.contains("approver"), en);
        String zh = compact.text("zh");
        assertTrue(zh.contains("决策 1") && zh.contains("精简"), zh);
        // Without an explain option the text is the full explanation, as with explain FULL.
        assertEquals(d.text("zh"), policy.decide(Fixtures.CASE).text("zh"));
        assertTrue(d.text("zh").length() > zh.length());
    }

    @Test
    void answersWhyNot() {
        DecideOptions o = DecideOptions.builder().lang("en").whyNot("approver=branch_manager").build();
        Decision d = policy.decide(Fixtures.CASE, o);
        assertEquals(1, d.whyNot().size());
        Map<?, ?> answer = (Map<?, ?>) d.whyNot().get(0);
        assertEquals("approver", answer.get("output"));
        assertEquals("head_office", answer.get("current"));
        assertTrue(d.whyNotText().contains("It would be branch_manager (branch manager) if"), d.whyNotText());
        assertTrue(d.whyNotText().contains("≤ 300.00 (it is 1,200.00)"), d.whyNotText());
        // Exact numbers: the nearest cost is a BigDecimal, never a double.
        Map<?, ?> change = (Map<?, ?>) ((List<?>) ((Map<?, ?>) ((List<?>) answer.get("alternatives")).get(0)).get("changes")).get(0);
        Object nearest = change.get("nearest");
        assertTrue(nearest instanceof String || nearest instanceof BigDecimal, String.valueOf(nearest));
    }

    @Test
    void optionsAreTheLibrarysJson() {
        DecideOptions o = DecideOptions.builder().explain(true).lang("zh").now("2026-05-01T09:00:00+08:00")
            .whyNot("approver=branch_manager", "tier=1").build();
        assertEquals("{\"explain\":\"compact\",\"lang\":\"zh\",\"now\":\"2026-05-01T09:00:00+08:00\","
            + "\"why_not\":[\"approver=branch_manager\",\"tier=1\"]}", o.toString());
        assertEquals("{}", DecideOptions.NONE.toString());
        assertEquals("{\"why_not\":[\"a\\\"b\\\\c\\u000a\"]}", DecideOptions.builder().whyNot("a\"b\\c\n").build().toString());
        assertEquals(DecideOptions.Explain.COMPACT, o.explain());
        assertEquals("zh", o.lang());
        assertEquals(List.of("approver=branch_manager", "tier=1"), o.whyNot());
        assertThrows(NullPointerException.class, () -> DecideOptions.builder().whyNot((String) null));
    }

    @Test
    void describesTheSet() {
        PolicyInfo info = policy.info();
        assertEquals("quality-complaints", info.name());
        assertEquals("received_at", info.effectiveBy());
        assertEquals("1.0.0", info.inForce());
        assertEquals(Verdict.version(), info.verdict());
        assertEquals(1, info.versions().size());
        PolicyInfo.Version v = info.versions().get(0);
        assertEquals(policy.decide(Fixtures.CASE).policy(), v.identity());
        assertTrue(v.fields().contains("cost"), v.fields().toString());
        assertTrue(v.outputs().contains("approver"), v.outputs().toString());
        assertTrue(info.json().contains("\"abi\":1"), info.json());
        assertEquals(Fixtures.QUALITY.toString(), policy.folder());
        assertEquals(List.of(), policy.warnings());
        assertFalse(policy.isClosed());
    }

    @Test
    void givesTheCaseSchema() {
        String schema = policy.caseSchema();
        assertTrue(schema.contains("\"properties\"") && schema.contains("\"cost\""), schema);
        assertEquals(schema, policy.caseSchema("1.0.0"));
        RequestException e = assertThrows(RequestException.class, () -> policy.caseSchema("9.9.9"));
        assertTrue(e.getMessage().contains("9.9.9"), e.getMessage());
    }

    @Test
    void aSetWithVersionsDecidesEachCaseByItsDate() {
        try (Policy amended = Policy.load(Fixtures.AMENDED)) {
            PolicyInfo info = amended.info();
            assertTrue(info.versions().size() >= 2, info.json());
            Decision y2026 = amended.decide(Fixtures.CASE);
            // The sample a year later, its events with it (an event before the receipt is refused, field-order).
            Decision y2027 = amended.decide(Fixtures.with("received_at", "\"2027-03-02T09:15:00+08:00\"")
                .replace("\"2026-03-04T17:00:00+08:00\"", "\"2027-03-04T17:00:00+08:00\"")
                .replace("\"2026-03-03T10:00:00+08:00\"", "\"2027-03-03T10:00:00+08:00\""));
            assertEquals("quality-complaints-amended", y2026.policy().name());
            assertFalse(y2026.policy().version().equals(y2027.policy().version()),
                y2026.policy() + " vs " + y2027.policy());
            for (PolicyInfo.Version v : info.versions()) {
                assertTrue(amended.caseSchema(v.version()).contains("\"properties\""));
            }
        }
    }

    @Test
    void timesTheLibraryAlone() {
        assertTrue(policy.benchLibrary(Fixtures.CASE, DecideOptions.NONE, 10) > 0);
        assertThrows(CaseException.class, () -> policy.benchLibrary("[1]", DecideOptions.NONE, 10));
    }

    @Test
    void decidesUtf8Bytes() {
        String named = Fixtures.with("id", "\"投诉-𝟘𝟙\"");
        byte[] bytes = named.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Decision d = policy.decide(bytes, DecideOptions.NONE);
        assertEquals("投诉-𝟘𝟙", d.caseId());
        assertEquals(d.json(), policy.decide(named).json());
        java.util.Arrays.fill(bytes, (byte) ' ');  // the caller's array is copied: the decision does not change
        assertTrue(d.text("en").contains("投诉-𝟘𝟙"));
    }
}
