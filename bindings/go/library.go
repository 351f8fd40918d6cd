package verdict

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "verdict.h"

// The library's functions, found with dlsym: each pointer has the type of the function verdict.h
// declares, so a change in the header fails this build instead of a call.
static __typeof__(&verdict_abi_version) vd_abi_version_fn;
static __typeof__(&verdict_version) vd_version_fn;
static __typeof__(&verdict_free) vd_free_fn;
static __typeof__(&verdict_policy_load) vd_policy_load_fn;
static __typeof__(&verdict_policy_free) vd_policy_free_fn;
static __typeof__(&verdict_policy_info) vd_policy_info_fn;
static __typeof__(&verdict_case_schema) vd_case_schema_fn;
static __typeof__(&verdict_decide) vd_decide_fn;
static __typeof__(&verdict_decide_into) vd_decide_into_fn;
static __typeof__(&verdict_bench_answer) vd_bench_answer_fn;
static __typeof__(&verdict_live_handles) vd_live_handles_fn;

// Opens the library and finds verdict_abi_version. Returns the library, or NULL with *error set to a
// malloc'd message.
static void *vd_open(const char *path, char **error) {
    dlerror();
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) { const char *e = dlerror(); *error = strdup(e ? e : "dlopen failed"); return NULL; }
    vd_abi_version_fn = (__typeof__(vd_abi_version_fn))dlsym(library, "verdict_abi_version");
    if (!vd_abi_version_fn) { dlclose(library); *error = strdup("it has no function verdict_abi_version: not a Verdict library"); return NULL; }
    return library;
}

static uint32_t vd_abi_version(void) { return vd_abi_version_fn(); }
static void vd_close(void *library) { dlclose(library); }

// Finds the other functions once the ABI version matched. Returns NULL, or the name of one missing.
static const char *vd_resolve(void *library) {
#define VD_FIND(field, name) if (!(field = (__typeof__(field))dlsym(library, name))) return name;
    VD_FIND(vd_version_fn, "verdict_version")
    VD_FIND(vd_free_fn, "verdict_free")
    VD_FIND(vd_policy_load_fn, "verdict_policy_load")
    VD_FIND(vd_policy_free_fn, "verdict_policy_free")
    VD_FIND(vd_policy_info_fn, "verdict_policy_info")
    VD_FIND(vd_case_schema_fn, "verdict_case_schema")
    VD_FIND(vd_decide_fn, "verdict_decide")
    VD_FIND(vd_decide_into_fn, "verdict_decide_into")
    VD_FIND(vd_bench_answer_fn, "verdict_bench_answer")
    VD_FIND(vd_live_handles_fn, "verdict_live_handles")
#undef VD_FIND
    return NULL;
}

static const char *vd_version(void) { return vd_version_fn(); }
static void vd_free(char *buffer) { vd_free_fn(buffer); }
static int vd_policy_load(const char *directory, verdict_policy *handle, char **out, size_t *out_len) {
    return vd_policy_load_fn(directory, handle, out, out_len);
}
static int vd_policy_free(verdict_policy handle) { return vd_policy_free_fn(handle); }
static int vd_policy_info(verdict_policy handle, char **out, size_t *out_len) { return vd_policy_info_fn(handle, out, out_len); }
static int vd_case_schema(verdict_policy handle, const char *version, char **out, size_t *out_len) {
    return vd_case_schema_fn(handle, version, out, out_len);
}
// verdict_decide with its results returned by value, so the call passes C no pointer to Go variables
// (which would then be allocated on the heap at every call).
typedef struct { char *out; size_t length; int status; } vd_answer;
static vd_answer vd_decide_answer(verdict_policy handle, const char *case_json, size_t case_len, const char *options) {
    vd_answer a = {NULL, 0, 0};
    a.status = vd_decide_fn(handle, case_json, case_len, options, &a.out, &a.length);
    return a;
}
// verdict_decide_into with the length and status returned by value (no pointer to a Go variable):
// `buffer` is Go memory (a byte slice's spare capacity, which holds no Go pointers), written in place.
typedef struct { size_t length; int status; } vd_into;
static vd_into vd_decide_into(verdict_policy handle, const char *case_json, size_t case_len, const char *options,
                              char *buffer, size_t capacity) {
    vd_into r = {0, 0};
    r.status = vd_decide_into_fn(handle, case_json, case_len, options, buffer, capacity, &r.length);
    return r;
}
static int vd_bench_answer(verdict_policy handle, const char *case_json, size_t case_len, const char *options, uint64_t iterations, uint64_t *ns) {
    return vd_bench_answer_fn(handle, case_json, case_len, options, iterations, ns);
}
static uint64_t vd_live_handles(void) { return vd_live_handles_fn(); }
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

// ABIVersion is the version of the C interface (include/verdict.h) this package was written for. The
// library must report the same number, or nothing is called: see ABIError.
const ABIVersion = C.VERDICT_ABI_VERSION

// LibraryEnv names the environment variable that gives the path of libverdict.so. When it is unset,
// the library is looked up by name ("libverdict.so") as the system's dynamic loader does: in
// LD_LIBRARY_PATH, the program's run path and the loader's cache.
const LibraryEnv = "VERDICT_LIBRARY"

var library struct {
	once sync.Once
	path string
	err  error
}

// LoadLibrary opens libverdict.so from path ("" to use VERDICT_LIBRARY or the loader's search), checks
// its ABI version and finds its functions. It is optional — the first call that needs the library opens
// it the same way — and has effect only once per process: a later call with another path is an error.
func LoadLibrary(path string) error {
	first := false
	library.once.Do(func() { first = true; library.path, library.err = openLibrary(path) })
	if !first && path != "" && path != library.path && library.err == nil {
		return &LibraryError{Path: path, Reason: fmt.Sprintf("the library is already loaded from %s", library.path)}
	}
	return library.err
}

// ready opens the library on first use (once per process; a failure is remembered, as it would be the
// same the next time).
func ready() error {
	library.once.Do(func() { library.path, library.err = openLibrary("") })
	return library.err
}

func openLibrary(path string) (string, error) {
	if path == "" {
		path = os.Getenv(LibraryEnv)
	}
	name := path
	if name == "" {
		name = "libverdict.so"
	}
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var cerr *C.char
	handle := C.vd_open(cname, &cerr)
	if handle == nil {
		reason := C.GoString(cerr)
		C.free(unsafe.Pointer(cerr))
		if path == "" {
			reason += " (set " + LibraryEnv + " to the path of libverdict.so, or add its folder to LD_LIBRARY_PATH)"
		}
		return name, &LibraryError{Path: name, Reason: reason}
	}
	if got := uint32(C.vd_abi_version()); got != ABIVersion {
		C.vd_close(handle)
		return name, &ABIError{Path: name, Library: got, Binding: ABIVersion}
	}
	if missing := C.vd_resolve(handle); missing != nil {
		reason := "it has no function " + C.GoString(missing)
		C.vd_close(handle)
		return name, &LibraryError{Path: name, Reason: reason}
	}
	return name, nil
}

// Version is the engine's version ("major.minor.patch"), as libverdict.so reports it.
func Version() (string, error) {
	if err := ready(); err != nil {
		return "", err
	}
	return C.GoString(C.vd_version()), nil
}

// LiveHandles is how many policy sets are loaded and not yet closed in this process, across every
// caller of the library: for a program's own leak checks.
func LiveHandles() (uint64, error) {
	if err := ready(); err != nil {
		return 0, err
	}
	return uint64(C.vd_live_handles()), nil
}

// The calls below are the only ones that cross into C. Each copies the library's buffer into Go memory
// and frees it before returning; Go memory passed in (a case, options) is only read during the call,
// as verdict.h promises no function keeps a pointer it was given.

// take copies a buffer the library returned and frees it.
func take(out *C.char, length C.size_t) []byte {
	if out == nil {
		return nil
	}
	defer C.vd_free(out)
	return C.GoBytes(unsafe.Pointer(out), C.int(length))
}

// cString is s as a NUL-terminated C string in C memory (the caller frees it), or an error if s holds
// a NUL, which C would read as its end.
func cString(s, what string) (*C.char, error) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return nil, &ArgumentError{Message: fmt.Sprintf("%s holds a NUL byte at %d: %q", what, i, s)}
		}
	}
	return C.CString(s), nil
}

func cPolicyLoad(path string) (handle uint64, out []byte, status int, err error) {
	cpath, err := cString(path, "the policy folder")
	if err != nil {
		return 0, nil, 0, err
	}
	defer C.free(unsafe.Pointer(cpath))
	var h C.verdict_policy
	var buffer *C.char
	var length C.size_t
	status = int(C.vd_policy_load(cpath, &h, &buffer, &length))
	return uint64(h), take(buffer, length), status, nil
}

func cPolicyFree(handle uint64) int {
	return int(C.vd_policy_free(C.verdict_policy(handle)))
}

func cPolicyInfo(handle uint64) ([]byte, int) {
	var buffer *C.char
	var length C.size_t
	status := int(C.vd_policy_info(C.verdict_policy(handle), &buffer, &length))
	return take(buffer, length), status
}

func cCaseSchema(handle uint64, version string) ([]byte, int, error) {
	var cversion *C.char
	if version != "" {
		var err error
		if cversion, err = cString(version, "the version"); err != nil {
			return nil, 0, err
		}
		defer C.free(unsafe.Pointer(cversion))
	}
	var buffer *C.char
	var length C.size_t
	status := int(C.vd_case_schema(C.verdict_policy(handle), cversion, &buffer, &length))
	return take(buffer, length), status, nil
}

var emptyCase = [1]byte{' '}

// casePointer is the case's bytes for C: never NULL (an empty case is refused by the library as not
// JSON, not as a missing argument).
func casePointer(caseJSON []byte) (*C.char, C.size_t) {
	if len(caseJSON) == 0 {
		return (*C.char)(unsafe.Pointer(&emptyCase[0])), 0
	}
	return (*C.char)(unsafe.Pointer(&caseJSON[0])), C.size_t(len(caseJSON))
}

// optionsPointer is NULL for no options, or the NUL-terminated options JSON.
func optionsPointer(options []byte) *C.char {
	if options == nil {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&options[0]))
}

// cDecide appends the answer (or the error JSON) to dst: verdict_decide_into writes it straight into
// dst's spare capacity, grown first to at least hint bytes. When the answer is longer, dst grows to the
// length the library gave and the call is made again (one retry; a third only if the answer changed
// length in between, when a version came into force). Returns the length the answer needed.
func cDecide(handle uint64, caseJSON []byte, options []byte, dst []byte, hint int) ([]byte, int, int) {
	c, n := casePointer(caseJSON)
	opts := optionsPointer(options)
	for try := 0; ; try++ {
		if cap(dst)-len(dst) < hint {
			grown := make([]byte, len(dst), len(dst)+hint)
			copy(grown, dst)
			dst = grown
		}
		spare := dst[len(dst):cap(dst)]
		r := C.vd_decide_into(C.verdict_policy(handle), c, n, opts, (*C.char)(unsafe.Pointer(&spare[0])), C.size_t(len(spare)))
		length := int(r.length)
		if int(r.status) != statusSpace {
			return dst[:len(dst)+length], int(r.status), length
		}
		if try == 2 || length >= maxAnswer {
			return dst, int(r.status), length
		}
		hint = length + 1
	}
}

// maxAnswer is the longest answer the binding takes (a slice cannot be longer than an int).
const maxAnswer = 1<<31 - 2

func cBenchAnswer(handle uint64, caseJSON []byte, options []byte, iterations uint64) (uint64, int) {
	c, n := casePointer(caseJSON)
	var ns C.uint64_t
	status := int(C.vd_bench_answer(C.verdict_policy(handle), c, n, optionsPointer(options), C.uint64_t(iterations), &ns))
	return uint64(ns), status
}
