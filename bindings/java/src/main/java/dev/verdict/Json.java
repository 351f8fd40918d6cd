package dev.verdict;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader (RFC 8259) for the library's answers: objects become unmodifiable
 * {@code Map<String, Object>} in member order, arrays unmodifiable {@code List<Object>}, strings
 * {@code String}, {@code true}/{@code false} {@code Boolean}, {@code null} {@code null}, and numbers
 * exact — a whole number {@code Long} (or {@code BigInteger} past its range), any other
 * {@code BigDecimal}, never a {@code double}. Anything else — a trailing comma, a duplicate member,
 * a control character in a string, nesting deeper than {@link #MAX_DEPTH} — is a {@link JsonException}
 * saying where, never a crash.
 */
final class Json {
    static final int MAX_DEPTH = 512;

    /** JSON that cannot be read, with the offset (in UTF-16 units) where reading stopped. */
    static final class JsonException extends Exception {
        final int offset;

        JsonException(String message, int offset) {
            super(message + " at offset " + offset);
            this.offset = offset;
        }
    }

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    static Object parse(String text) throws JsonException {
        Json r = new Json(text);
        r.space();
        Object v = r.value(0);
        r.space();
        if (r.i != r.s.length()) throw r.error("unexpected text after the value");
        return v;
    }

    private JsonException error(String message) {
        return new JsonException(message, i);
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') i++;
            else break;
        }
    }

    private Object value(int depth) throws JsonException {
        if (i >= s.length()) throw error("a value was expected, found the end");
        char c = s.charAt(i);
        switch (c) {
            case '{': return object(depth + 1);
            case '[': return array(depth + 1);
            case '"': return string();
            case 't': return literal("true", Boolean.TRUE);
            case 'f': return literal("false", Boolean.FALSE);
            case 'n': return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error("a value was expected, found '" + printable(c) + "'");
        }
    }

    private static String printable(char c) {
        return c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private Object literal(String word, Object v) throws JsonException {
        if (!s.startsWith(word, i)) throw error("a value was expected");
        i += word.length();
        return v;
    }

    private Map<String, Object> object(int depth) throws JsonException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        i++; // {
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            return Collections.unmodifiableMap(m);
        }
        while (true) {
            space();
            if (i >= s.length() || s.charAt(i) != '"') throw error("a member name (a string) was expected");
            int at = i;
            String key = string();
            space();
            if (i >= s.length() || s.charAt(i) != ':') throw error("':' was expected after a member name");
            i++;
            space();
            Object v = value(depth);
            if (m.containsKey(key)) throw new JsonException("the member \"" + key + "\" appears twice", at);
            m.put(key, v);
            space();
            if (i >= s.length()) throw error("',' or '}' was expected, found the end");
            char c = s.charAt(i++);
            if (c == '}') return Collections.unmodifiableMap(m);
            if (c != ',') {
                i--;
                throw error("',' or '}' was expected");
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH);
        i++; // [
        List<Object> a = new ArrayList<>();
        space();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            return Collections.unmodifiableList(a);
        }
        while (true) {
            space();
            a.add(value(depth));
            space();
            if (i >= s.length()) throw error("',' or ']' was expected, found the end");
            char c = s.charAt(i++);
            if (c == ']') return Collections.unmodifiableList(a);
            if (c != ',') {
                i--;
                throw error("',' or ']' was expected");
            }
        }
    }

    private String string() throws JsonException {
        i++; // opening quote
        StringBuilder b = null;
        int start = i;
        while (true) {
            if (i >= s.length()) throw error("the string does not end");
            char c = s.charAt(i);
            if (c == '"') {
                String out = b == null ? s.substring(start, i) : b.append(s, start, i).toString();
                i++;
                return out;
            }
            if (c < 0x20) throw error("a control character in a string");
            if (c != '\\') {
                i++;
                continue;
            }
            if (b == null) b = new StringBuilder();
            b.append(s, start, i);
            i++;
            if (i >= s.length()) throw error("the string does not end");
            char e = s.charAt(i++);
            switch (e) {
                case '"': b.append('"'); break;
                case '\\': b.append('\\'); break;
                case '/': b.append('/'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'u': {
                    if (i + 4 > s.length()) throw error("\\u needs four hex digits");
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i + k), 16);
                        if (d < 0 || s.charAt(i + k) > 'f') throw error("\\u needs four hex digits");
                        code = code * 16 + d;
                    }
                    i += 4;
                    b.append((char) code);
                    break;
                }
                default:
                    i--;
                    throw error("an unknown escape '\\" + printable(e) + "'");
            }
            start = i;
        }
    }

    private Object number() throws JsonException {
        int start = i;
        if (s.charAt(i) == '-') i++;
        if (i >= s.length()) throw error("a digit was expected");
        char c = s.charAt(i);
        if (c == '0') i++;
        else if (c >= '1' && c <= '9') digits();
        else throw error("a digit was expected");
        boolean whole = true;
        if (i < s.length() && s.charAt(i) == '.') {
            whole = false;
            i++;
            if (i >= s.length() || !isDigit(s.charAt(i))) throw error("a digit was expected after '.'");
            digits();
        }
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            whole = false;
            i++;
            if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            if (i >= s.length() || !isDigit(s.charAt(i))) throw error("a digit was expected in the exponent");
            digits();
        }
        String text = s.substring(start, i);
        try {
            if (whole) {
                if (text.length() <= 18) return Long.parseLong(text);
                BigInteger big = new BigInteger(text);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            return new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new JsonException("a number out of range (" + e.getMessage() + ")", start);
        }
    }

    private void digits() {
        while (i < s.length() && isDigit(s.charAt(i))) i++;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
