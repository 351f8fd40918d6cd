package sample;

import dev.verdict.CaseException;
import dev.verdict.CaseProblem;
import dev.verdict.Policy;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The Java code-generation check (codegen-test.sh): decides cases of the generated CodegenSample types with
 * the fixture set, reads the outputs typed, and expects the schema-changed refusal from a changed copy.
 * Usage: Main SET CHANGED_SET
 */
public final class Main {
    private Main() {
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    public static void main(String[] args) {
        OffsetDateTime received = OffsetDateTime.parse("2026-03-02T09:15:00+08:00");
        CodegenSample.Case large = new CodegenSample.Case("R-1", received, new BigDecimal("1500"), CodegenSample.Kind.LATE,
            null, null, LocalDate.of(2025, 6, 1), Duration.ofHours(1), null);
        check(large.toJson().equals("{\"id\":\"R-1\",\"received_at\":\"2026-03-02T09:15:00+08:00\",\"amount\":\"1500.00\","
            + "\"kind\":\"late\",\"purchased_on\":\"2025-06-01\",\"waited\":\"3600s\"}"), "toJson: " + large.toJson());
        try (Policy policy = Policy.load(args[0])) {
            CodegenSample.Outputs outputs = CodegenSample.Outputs.from(policy.decide(large));
            check(outputs.approver() == CodegenSample.Role.DIRECTOR, "approver " + outputs.approver());
            check(outputs.signers().equals(List.of(CodegenSample.Role.CLERK, CodegenSample.Role.MANAGER, CodegenSample.Role.DIRECTOR)),
                "signers " + outputs.signers());
            check(outputs.cap().equals(new BigDecimal("5000.00")), "cap " + outputs.cap());
            check(outputs.due().isEqual(OffsetDateTime.parse("2026-03-05T09:15:00+08:00")), "due " + outputs.due());
            check(outputs.tier() == 3L && outputs.escalate(), "tier and escalate " + outputs);
            check("总监".equals(CodegenSample.Role.DIRECTOR.labelZh), "label");
            System.out.println("decided: " + outputs);
        }
        try {
            new CodegenSample.Case("R-2", received, new BigDecimal("10.005"), CodegenSample.Kind.LATE, null, null, null, null, null).toJson();
            throw new AssertionError("an amount with 3 decimals was written");
        } catch (IllegalArgumentException e) {
            check(e.getMessage().equals("amount: 10.005 has more than 2 decimals, the most CNY has"), e.getMessage());
        }
        CodegenSample.Case small = new CodegenSample.Case("R-9", received, new BigDecimal("80"), CodegenSample.Kind.DAMAGED,
            null, null, null, null, null);
        try (Policy changed = Policy.load(args[1])) {
            try {
                changed.decide(small);
                throw new AssertionError("the changed set decided a case of the old types");
            } catch (CaseException e) {
                CaseProblem p = e.problems().get(0);
                check(p.code().equals("schema-changed"), "code " + p.code());
                check(p.message().startsWith("the case's types were generated from schema " + CodegenSample.SCHEMA_DIGEST), p.message());
                System.out.println("refused: " + p.message());
            }
            // Its JSON alone carries no digest and is decided.
            check("clerk".equals(changed.decide(small.toJson()).output("approver")), "plain JSON decided");
        }
    }
}
