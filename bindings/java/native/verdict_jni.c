/*
 * libverdictjni.so: the Java binding's decision call through JNI (issue 31: the overhead of a decision
 * from Java). JNA's direct call, the copy of the case into native memory and the copy of the answer out
 * are each a crossing of their own (about 0.8 µs a decision together); this is one JNI call that copies
 * the case from its byte[] into a per-thread buffer, calls verdict_decide_into into another, and returns
 * the answer as a new byte[].
 *
 * It does not link libverdict: the binding loads the library with JNA as before (verdict.library,
 * VERDICT_LIBRARY or the library path) and hands this file the address of verdict_decide_into once,
 * through init(). Everything else (errors into exceptions, Decision, options) stays in Java. Compiled by
 * bindings/java/build.sh where a C compiler and the JDK's jni.h are found, and carried in verdict.jar;
 * without it the binding decides through JNA, with the same results (NativeDecide.java).
 *
 * No text crosses as a Java String: the case and the answer are UTF-8 bytes both ways (JNI's own string
 * functions use modified UTF-8, which writes a supplementary character as two 3-byte surrogates).
 */
#include <jni.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* include/verdict.h's verdict_decide_into and the statuses this file reads. */
typedef int (*decide_into_fn)(uint64_t handle, const char *case_json, size_t case_len, const char *options,
                              char *buffer, size_t capacity, size_t *out_len);
enum { VERDICT_OK = 0, VERDICT_ERR_SPACE = 6 };

/* A thread's buffers: the case (with the options after it) and the answer. Each starts at its INITIAL
 * size and grows to the longest the thread has had, up to KEPT; a longer one gets a buffer of its own
 * for that call only. Freed when the thread ends (the key's destructor). */
enum { INITIAL_CASE = 4 << 10, INITIAL_ANSWER = 16 << 10, KEPT = 1 << 20 };

typedef struct {
    char *input;
    size_t input_capacity;
    char *answer;
    size_t answer_capacity;
} thread_buffers;

static decide_into_fn decide_into = NULL;
static pthread_key_t buffers_key;
static int key_made = 0;

static void free_buffers(void *value) {
    thread_buffers *b = value;
    if (b != NULL) {
        free(b->input);
        free(b->answer);
        free(b);
    }
}

static void throw_named(JNIEnv *env, const char *class_name, const char *message) {
    jclass c = (*env)->FindClass(env, class_name);
    if (c != NULL) {
        (*env)->ThrowNew(env, c, message);
    }
}

static void out_of_memory(JNIEnv *env) {
    throw_named(env, "java/lang/OutOfMemoryError", "libverdictjni: no memory for a decision's buffers");
}

/* This thread's buffers, made on its first decision; NULL (with OutOfMemoryError thrown) if memory ran out. */
static thread_buffers *buffers(JNIEnv *env) {
    thread_buffers *b = pthread_getspecific(buffers_key);
    if (b != NULL) {
        return b;
    }
    b = calloc(1, sizeof *b);
    char *input = malloc(INITIAL_CASE), *answer = malloc(INITIAL_ANSWER);
    if (b == NULL || input == NULL || answer == NULL || pthread_setspecific(buffers_key, b) != 0) {
        free(b);
        free(input);
        free(answer);
        out_of_memory(env);
        return NULL;
    }
    b->input = input;
    b->input_capacity = INITIAL_CASE;
    b->answer = answer;
    b->answer_capacity = INITIAL_ANSWER;
    return b;
}

/* static native void init(long decideIntoAddress): the address of libverdict's verdict_decide_into. */
JNIEXPORT void JNICALL Java_dev_verdict_NativeDecide_init(JNIEnv *env, jclass cls, jlong address) {
    (void)cls;
    if (address == 0) {
        throw_named(env, "java/lang/IllegalArgumentException", "init() needs the address of verdict_decide_into, not 0");
        return;
    }
    if (!key_made) {
        if (pthread_key_create(&buffers_key, free_buffers) != 0) {
            out_of_memory(env);
            return;
        }
        key_made = 1;
    }
    decide_into = (decide_into_fn)(intptr_t)address;
}

/*
 * static native byte[] decide(long handle, byte[] caseJson, byte[] options, int[] result)
 *
 * verdict_decide_into with this thread's buffers. `options` is NUL-terminated JSON or null. Returns the
 * answer's bytes (the decision, or the error's JSON) and sets result[0] to the status; when the answer's
 * length changed on every try, returns null with result[0] = 6 and result[1] the last length (capped).
 */
JNIEXPORT jbyteArray JNICALL Java_dev_verdict_NativeDecide_decide(JNIEnv *env, jclass cls, jlong handle, jbyteArray case_json,
                                                                   jbyteArray options, jintArray result) {
    (void)cls;
    if (decide_into == NULL) {
        throw_named(env, "java/lang/IllegalStateException", "libverdictjni: init() was not called");
        return NULL;
    }
    thread_buffers *b = buffers(env);
    if (b == NULL) {
        return NULL;
    }
    jsize case_len = (*env)->GetArrayLength(env, case_json);
    jsize options_len = options == NULL ? 0 : (*env)->GetArrayLength(env, options);
    /* The case, then the options, in one input buffer. */
    size_t needed = (size_t)case_len + (size_t)options_len + 1;
    char *input = b->input, *own_input = NULL;
    if (needed > b->input_capacity) {
        if (needed <= KEPT) {
            char *larger = realloc(b->input, needed);
            if (larger == NULL) {
                out_of_memory(env);
                return NULL;
            }
            b->input = input = larger;
            b->input_capacity = needed;
        } else {
            input = own_input = malloc(needed);
            if (input == NULL) {
                out_of_memory(env);
                return NULL;
            }
        }
    }
    (*env)->GetByteArrayRegion(env, case_json, 0, case_len, (jbyte *)input);
    const char *options_text = NULL;
    if (options != NULL) {
        char *o = input + case_len;
        (*env)->GetByteArrayRegion(env, options, 0, options_len, (jbyte *)o);
        o[options_len] = 0; /* the Java side ends them with a NUL already; one more never hurts */
        options_text = o;
    }
    char *buffer = b->answer, *own = NULL; /* own: an answer past KEPT, for this call only */
    size_t capacity = b->answer_capacity, written = 0;
    int status = decide_into((uint64_t)handle, input, (size_t)case_len, options_text, buffer, capacity, &written);
    /* Too small: grow and call again. The same case gives the same answer, so one retry suffices, unless
     * a version came into force in between; after three tries the caller reports it. */
    for (int tries = 1; status == VERDICT_ERR_SPACE && tries < 3 && written < (size_t)INT32_MAX - 8; tries++) {
        size_t want = written + 1, grown = capacity * 2 > want ? capacity * 2 : want;
        if (grown <= KEPT) {
            char *larger = realloc(b->answer, grown);
            if (larger == NULL) {
                free(own_input);
                out_of_memory(env);
                return NULL;
            }
            b->answer = buffer = larger;
            b->answer_capacity = capacity = grown;
        } else {
            char *larger = realloc(own, want);
            if (larger == NULL) {
                free(own);
                free(own_input);
                out_of_memory(env);
                return NULL;
            }
            own = buffer = larger;
            capacity = want;
        }
        status = decide_into((uint64_t)handle, input, (size_t)case_len, options_text, buffer, capacity, &written);
    }
    free(own_input);
    jint r[2] = {status, 0};
    jbyteArray out = NULL;
    if (status == VERDICT_ERR_SPACE) {
        r[1] = written > (size_t)INT32_MAX ? INT32_MAX : (jint)written;
    } else {
        out = (*env)->NewByteArray(env, (jsize)written);
        if (out != NULL) {
            (*env)->SetByteArrayRegion(env, out, 0, (jsize)written, (const jbyte *)buffer);
        }
    }
    free(own);
    if (out == NULL && status != VERDICT_ERR_SPACE) {
        return NULL; /* NewByteArray threw OutOfMemoryError */
    }
    (*env)->SetIntArrayRegion(env, result, 0, 2, r);
    return out;
}
