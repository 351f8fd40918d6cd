/*
 * verdict._native: the binding's decision call as a CPython extension (issue 31: the overhead of a
 * decision from Python). ctypes converts seven arguments and builds its call frame on every call
 * (~18,000 instructions); this module takes the three that change (handle, case, options) with
 * METH_FASTCALL, calls verdict_decide_into into a per-thread buffer with the GIL released, and returns
 * the answer as str.
 *
 * It does not link libverdict: the binding loads the library with ctypes as before (VERDICT_LIBRARY
 * or beside the package) and hands this module the address of verdict_decide_into once, through
 * init(). Everything else (errors into exceptions, Decision, options) stays in Python. Built at
 * `pip install` time when a C compiler and Python's headers are there (setup.py, optional); without
 * it the binding decides through ctypes, with the same results.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

/* include/verdict.h's verdict_decide_into and the statuses this module reads. */
typedef int (*decide_into_fn)(uint64_t handle, const char *case_json, size_t case_len, const char *options,
                              char *buffer, size_t capacity, size_t *out_len);
enum { VERDICT_OK = 0, VERDICT_ERR_SPACE = 6 };

/* A thread's answer buffer: it starts at INITIAL bytes and grows to the longest answer the thread
 * has had, up to KEPT; a longer answer gets a buffer of its own for that call only. Freed when the
 * thread ends (the key's destructor). */
enum { INITIAL = 16 << 10, KEPT = 1 << 20 };

typedef struct {
    char *data;
    size_t capacity;
} answer_buffer;

static decide_into_fn decide_into = NULL;
static pthread_key_t buffer_key;

static void free_buffer(void *value) {
    answer_buffer *buffer = value;
    if (buffer != NULL) {
        free(buffer->data);
        free(buffer);
    }
}

/* This thread's buffer, made on its first decision; NULL (with MemoryError set) if memory ran out. */
static answer_buffer *thread_buffer(void) {
    answer_buffer *buffer = pthread_getspecific(buffer_key);
    if (buffer != NULL) {
        return buffer;
    }
    buffer = malloc(sizeof *buffer);
    char *data = malloc(INITIAL);
    if (buffer == NULL || data == NULL || pthread_setspecific(buffer_key, buffer) != 0) {
        free(buffer);
        free(data);
        PyErr_NoMemory();
        return NULL;
    }
    buffer->data = data;
    buffer->capacity = INITIAL;
    return buffer;
}

PyDoc_STRVAR(init_doc,
"init(decide_into_address: int) -> None\n\n"
"Gives the module the address of libverdict's verdict_decide_into (from the library ctypes loaded).");

static PyObject *native_init(PyObject *module, PyObject *address) {
    (void)module;
    if (!PyLong_Check(address)) {
        PyErr_Format(PyExc_TypeError, "init() takes the address of verdict_decide_into as an int, not %.100s",
                     Py_TYPE(address)->tp_name);
        return NULL;
    }
    void *pointer = PyLong_AsVoidPtr(address);
    if (pointer == NULL) {
        if (!PyErr_Occurred()) {
            PyErr_SetString(PyExc_ValueError, "init() needs the address of verdict_decide_into, not 0");
        }
        return NULL;
    }
    decide_into = (decide_into_fn)pointer;
    Py_RETURN_NONE;
}

PyDoc_STRVAR(decide_doc,
"decide(handle: int, case: bytes | str, options: bytes | None) -> str | tuple[int, str]\n\n"
"verdict_decide_into with this thread's buffer, the GIL released during the call. The answer as str\n"
"when the status is VERDICT_OK; else (status, the error's JSON text), or (6, \"\") when the answer's\n"
"length changed on every try.");

static PyObject *native_decide(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "decide() takes 3 arguments (handle, case, options), not %zd", nargs);
        return NULL;
    }
    if (decide_into == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "verdict._native.init() was not called: the library is not loaded");
        return NULL;
    }
    if (!PyLong_Check(args[0])) {
        PyErr_Format(PyExc_TypeError, "a policy handle is an int, not %.100s", Py_TYPE(args[0])->tp_name);
        return NULL;
    }
    unsigned long long handle = PyLong_AsUnsignedLongLong(args[0]);
    if (handle == (unsigned long long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    const char *data;
    Py_ssize_t length;
    if (PyBytes_Check(args[1])) {
        data = PyBytes_AS_STRING(args[1]);
        length = PyBytes_GET_SIZE(args[1]);
    } else if (PyUnicode_Check(args[1])) {
        data = PyUnicode_AsUTF8AndSize(args[1], &length); /* UnicodeEncodeError for lone surrogates */
        if (data == NULL) {
            return NULL;
        }
    } else {
        PyErr_Format(PyExc_TypeError, "a case is bytes or str (its JSON), not %.100s", Py_TYPE(args[1])->tp_name);
        return NULL;
    }
    const char *options = NULL;
    if (PyBytes_Check(args[2])) {
        options = PyBytes_AS_STRING(args[2]); /* a bytes object always ends with a NUL */
    } else if (args[2] != Py_None) {
        PyErr_Format(PyExc_TypeError, "options are bytes (JSON) or None, not %.100s", Py_TYPE(args[2])->tp_name);
        return NULL;
    }
    answer_buffer *kept = thread_buffer();
    if (kept == NULL) {
        return NULL;
    }
    /* The arguments stay alive while the GIL is released: the caller holds them. */
    char *buffer = kept->data;
    size_t capacity = kept->capacity, written = 0;
    char *own = NULL; /* a buffer past KEPT, for this call only */
    int status;
    Py_BEGIN_ALLOW_THREADS
    status = decide_into(handle, data, (size_t)length, options, buffer, capacity, &written);
    Py_END_ALLOW_THREADS
    /* Too small: grow and call again. The same case gives the same answer, so one retry suffices,
     * unless a version came into force in between; after three tries the caller reports it. */
    for (int tries = 1; status == VERDICT_ERR_SPACE && tries < 3; tries++) {
        size_t needed = written + 1, grown = capacity * 2 > needed ? capacity * 2 : needed;
        if (grown <= KEPT) {
            char *larger = realloc(kept->data, grown);
            if (larger == NULL) {
                return PyErr_NoMemory();
            }
            kept->data = buffer = larger;
            kept->capacity = capacity = grown;
        } else {
            char *larger = realloc(own, needed);
            if (larger == NULL) {
                free(own);
                return PyErr_NoMemory();
            }
            own = buffer = larger;
            capacity = needed;
        }
        Py_BEGIN_ALLOW_THREADS
        status = decide_into(handle, data, (size_t)length, options, buffer, capacity, &written);
        Py_END_ALLOW_THREADS
    }
    PyObject *result;
    if (status == VERDICT_ERR_SPACE) {
        result = Py_BuildValue("(is)", status, "");
    } else {
        PyObject *text = PyUnicode_DecodeUTF8(buffer, (Py_ssize_t)written, "strict");
        if (text == NULL || status == VERDICT_OK) {
            result = text;
        } else {
            result = Py_BuildValue("(iN)", status, text);
        }
    }
    free(own);
    return result;
}

static PyMethodDef methods[] = {
    {"init", (PyCFunction)native_init, METH_O, init_doc},
    {"decide", (PyCFunction)(void (*)(void))native_decide, METH_FASTCALL, decide_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "verdict._native",
    "The decision call of the verdict binding as a C extension (verdict_decide_into, the GIL released).",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__native(void) {
    static int key_made = 0;
    if (!key_made) {
        if (pthread_key_create(&buffer_key, free_buffer) != 0) {
            return PyErr_NoMemory();
        }
        key_made = 1;
    }
    return PyModule_Create(&module_def);
}
