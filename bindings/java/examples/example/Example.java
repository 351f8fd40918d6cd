package example;

import dev.verdict.CaseException;
import dev.verdict.DecideOptions;
import dev.verdict.Decision;
import dev.verdict.Policy;
import java.nio.file.Path;

public class Example {
    public static void main(String[] args) {
        String folder = args.length > 0 ? args[0] : "policies/quality-complaints";
        String complaint = """
            {"id": "Q-2026-0042", "received_at": "2026-03-02T09:15:00+08:00", "region": "Henan",
             "branch": "Luoyang", "problem": "fly", "eaten": true, "adverse_reaction": true,
             "hospitalised": true, "media_involved": false, "government_involved": false,
             "excessive_demand": false, "food_poisoning": false, "batch_problem": false, "cost": "1200.00"}
            """;
        // One Policy for the whole program: thread-safe, closed when done.
        try (Policy policy = Policy.load(Path.of(folder))) {
            Decision decision = policy.decide(complaint);
            System.out.println(decision.policy().name() + " " + decision.policy().version());
            System.out.println("approver: " + decision.outputs().get("approver"));
            System.out.println("tier: " + decision.output("tier"));  // a Long: numbers are exact

            DecideOptions whyNot = DecideOptions.builder().lang("en").whyNot("approver=branch_manager").build();
            System.out.print(policy.decide(complaint, whyNot).whyNotText());

            policy.decide("{\"id\": \"Q-1\", \"cost\": \"12.5.0\"}");
        } catch (CaseException refused) {
            System.out.println("refused: " + refused.getMessage());
            refused.problems().stream().limit(2).forEach(p -> System.out.println("  " + p.field() + ": " + p.message()));
        }
    }
}
