package dev.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The binding's strict JSON reader: exact values, and any bad text a JsonException at its place. */
class JsonTest {
    @Test
    void readsValuesExactly() throws Exception {
        Object v = Json.parse(" {\"a\": [1, -0, 12.50, 1e3, 9223372036854775807, 9223372036854775808, true, false, null],"
            + " \"s\": \"x\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"o\": {}, \"e\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of("a", "s", "o", "e"), List.copyOf(m.keySet()));
        List<?> a = (List<?>) m.get("a");
        assertEquals(1L, a.get(0));
        assertEquals(0L, a.get(1));
        assertEquals(new BigDecimal("12.50"), a.get(2));
        assertEquals(new BigDecimal("1e3"), a.get(3));
        assertEquals(Long.MAX_VALUE, a.get(4));
        assertEquals(new BigInteger("9223372036854775808"), a.get(5));
        assertEquals(Arrays.asList(true, false, null), a.subList(6, 9));
        assertEquals("x\"\\/\b\f\n\r\té😀", m.get("s"));
        assertEquals(Map.of(), m.get("o"));
        assertEquals(List.of(), m.get("e"));
        assertNull(Json.parse("null"));
        assertEquals("汉字", Json.parse("\"汉字\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "[", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1 \"b\":2}", "01", "1.",
        ".5", "-", "1e", "+1", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"a\tb\"", "[1] 2", "{\"a\":1,\"a\":2}",
        "NaN", "Infinity", "\"\\u", "[\"\\"})
    void refusesBadText(String text) {
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(text));
        assertTrue(e.getMessage().contains(" at offset "), e.getMessage());
    }

    @Test
    void refusesDeepNestingWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        Json.JsonException e = assertThrows(Json.JsonException.class, () -> Json.parse(deep));
        assertTrue(e.getMessage().startsWith("nesting deeper than 512"), e.getMessage());
        String ok = "[".repeat(512) + "]".repeat(512);
        assertTrue(assertDoesNotThrowParse(ok) instanceof List);
    }

    private static Object assertDoesNotThrowParse(String s) {
        try {
            return Json.parse(s);
        } catch (Json.JsonException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void mutatedAnswersNeverThrowAnythingElse() {
        String answer = "{\"case\":\"Q-1\",\"policy\":{\"name\":\"q\",\"version\":\"1.0.0\"},\"outputs\":{\"tier\":3,"
            + "\"cost\":12.50,\"notify\":[\"a\",\"b\"],\"ok\":true,\"none\":null,\"text\":\"\\u6848\\n\"}}";
        String alphabet = "{}[]:,\"\\u0123456789abcdefEe.+-tfn \t\n汉\uD800";
        Random random = new Random(31);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(answer);
            for (int k = random.nextInt(4); k >= 0; k--) {
                int at = random.nextInt(s.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 1 -> { if (at < s.length()) s.deleteCharAt(at); }
                    default -> { if (at < s.length()) s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length()))); }
                }
            }
            try {
                Json.parse(s.toString());
            } catch (Json.JsonException expected) {
                // fine: refused at a place
            } catch (RuntimeException e) {
                throw new AssertionError("input " + s + " threw " + e, e);
            }
        }
    }
}
