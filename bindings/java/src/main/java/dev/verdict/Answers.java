package dev.verdict;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the library's JSON: error buffers into the binding's exceptions, and typed members of answers. */
final class Answers {
    private Answers() {
    }

    static Object parse(String json, String what) {
        try {
            return Json.parse(json);
        } catch (Json.JsonException e) {
            throw new VerdictException("library", "the library's " + what + " is not JSON this binding can read: " + e.getMessage(), json, e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String json, String what) {
        Object v = parse(json, what);
        if (!(v instanceof Map)) throw new VerdictException("library", "the library's " + what + " is not a JSON object", json);
        return (Map<String, Object>) v;
    }

    static String string(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v instanceof String ? (String) v : null;
    }

    static int integer(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        if (v instanceof Long) {
            long n = (Long) v;
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) return (int) n;
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v instanceof Map ? (Map<String, Object>) v : null;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String key) {
        Object v = m == null ? null : m.get(key);
        return v instanceof List ? (List<Object>) v : List.of();
    }

    static List<String> strings(Map<String, Object> m, String key) {
        List<String> out = new ArrayList<>();
        for (Object o : list(m, key)) if (o instanceof String) out.add((String) o);
        return out;
    }

    static PolicyIdentity identity(Map<String, Object> m) {
        if (m == null) return null;
        return new PolicyIdentity(string(m, "name"), string(m, "version"), string(m, "effective"), string(m, "digest"));
    }

    @SuppressWarnings("unchecked")
    static List<Diagnostic> diagnostics(Map<String, Object> m) {
        List<Diagnostic> out = new ArrayList<>();
        for (Object o : list(m, "diagnostics")) {
            if (!(o instanceof Map)) continue;
            Map<String, Object> d = (Map<String, Object>) o;
            out.add(new Diagnostic(string(d, "severity"), string(d, "code"), string(d, "message"), string(d, "file"),
                integer(d, "line"), integer(d, "column"), string(d, "help"), strings(d, "notes")));
        }
        return out;
    }

    /** The exception for a status other than OK, from the error JSON the library gave with it. */
    @SuppressWarnings("unchecked")
    static RuntimeException error(int status, byte[] buffer, String folder) {
        String json = buffer == null ? "" : new String(buffer, StandardCharsets.UTF_8);
        Map<String, Object> m = null;
        if (!json.isEmpty()) {
            try {
                Object v = Json.parse(json);
                if (v instanceof Map) m = (Map<String, Object>) v;
            } catch (Json.JsonException ignored) {
                // The raw text becomes the message below.
            }
        }
        String message = string(m, "message");
        if (message == null) message = json.isEmpty() ? "the library gave status " + status + " and no message" : json;
        switch (status) {
            case LibVerdict.ERR_POLICY:
                String text = string(m, "text");
                return new PolicyException(message, diagnostics(m), text == null ? "" : text, json);
            case LibVerdict.ERR_CASE: {
                List<CaseProblem> problems = new ArrayList<>();
                for (Object o : list(m, "problems")) {
                    if (!(o instanceof Map)) continue;
                    Map<String, Object> p = (Map<String, Object>) o;
                    problems.add(new CaseProblem(string(p, "field"), string(p, "code"), string(p, "message"), string(p, "help")));
                }
                return new CaseException(message, string(m, "case"), problems, identity(map(m, "policy")), json);
            }
            case LibVerdict.ERR_REQUEST:
                return new RequestException(message, string(m, "option"), json);
            case LibVerdict.ERR_HANDLE:
                return new PolicyClosedException(folder);
            case LibVerdict.ERR_ARGUMENT:
                return new IllegalArgumentException(message);
            default:
                return new VerdictException(string(m, "error") == null ? "unknown" : string(m, "error"),
                    "the library gave an unknown status " + status + ": " + message, json);
        }
    }
}
