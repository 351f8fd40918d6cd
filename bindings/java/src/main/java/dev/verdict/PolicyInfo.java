package dev.verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A loaded set: its name, the case field that picks the version ({@code effectiveBy}, null when the set
 * has one version or picks by the clock), the version in force now, and every version.
 */
public record PolicyInfo(String name, String effectiveBy, String inForce, List<Version> versions, String verdict,
                         String json) {
    /** One version of the set: its identity, its folder, and its case fields' and outputs' names. */
    public record Version(String name, String version, String effective, String digest, String folder,
                          List<String> fields, List<String> outputs) {
        public PolicyIdentity identity() {
            return new PolicyIdentity(name, version, effective, digest);
        }
    }

    @SuppressWarnings("unchecked")
    static PolicyInfo read(String json) {
        Map<String, Object> m = Answers.object(json, "policy info");
        List<Version> versions = new ArrayList<>();
        for (Object o : Answers.list(m, "versions")) {
            if (!(o instanceof Map)) continue;
            Map<String, Object> v = (Map<String, Object>) o;
            versions.add(new Version(Answers.string(v, "name"), Answers.string(v, "version"), Answers.string(v, "effective"),
                Answers.string(v, "digest"), Answers.string(v, "folder"), names(v, "fields"), names(v, "outputs")));
        }
        return new PolicyInfo(Answers.string(m, "name"), Answers.string(m, "effective_by"), Answers.string(m, "in_force"),
            List.copyOf(versions), Answers.string(m, "verdict"), json);
    }

    /** The names in a list of names or of objects with a "name". */
    @SuppressWarnings("unchecked")
    private static List<String> names(Map<String, Object> m, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : Answers.list(m, key)) {
            if (o instanceof String) out.add((String) o);
            else if (o instanceof Map && Answers.string((Map<String, Object>) o, "name") != null) out.add(Answers.string((Map<String, Object>) o, "name"));
        }
        return List.copyOf(out);
    }
}
