// ThreadSanitizer cannot see the Swift standard library's `Mutex` (Synchronization) order memory
// when the lock is contended, and reports accesses made under it as races. Its fast paths are
// inlined into the caller and instrumented (an acquiring and a releasing compare-and-swap), but its
// slow paths, `_lockSlow` and `_unlockSlow`, live in libswiftSynchronization.so, which is not
// instrumented: they hand the lock over through a futex (FUTEX_LOCK_PI / FUTEX_UNLOCK_PI), so the
// kernel, not an atomic that ThreadSanitizer watches, passes it from one thread to the next. Two
// threads each incrementing a dictionary entry under one `Mutex` are reported as racing (Swift 6.3.1,
// Linux), yet the count comes out exact.
//
// This file defines the slow paths in the stress executable itself, which the executable's calls
// bind to; each calls the library's own (found with dlsym(RTLD_NEXT)) and tells ThreadSanitizer what
// it did: the lock was acquired (`__tsan_acquire`) or is about to be released (`__tsan_release`), on
// the mutex's address, as ThreadSanitizer's interceptors do for pthread_mutex_lock. Without
// ThreadSanitizer (the AddressSanitizer build), the weak symbols are null and the calls just pass on.
//
// So no report is suppressed: a race in code that a `Mutex` does not order is still reported.
// The calling convention is Swift's: `self` (the mutex, address-only) in the swiftself register
// (clang's `swift_context`), the thread id as the first argument.
#define _GNU_SOURCE  // RTLD_NEXT
#include <dlfcn.h>
#include <stdbool.h>
#include <stdint.h>
#define SWIFTCALL __attribute__((swiftcall))
#define SWIFTSELF __attribute__((swift_context))
extern void __tsan_acquire(void *address) __attribute__((weak));
extern void __tsan_release(void *address) __attribute__((weak));
typedef SWIFTCALL void (*LockSlow)(uint32_t, void *SWIFTSELF);
typedef SWIFTCALL void (*UnlockSlow)(void *SWIFTSELF);
typedef SWIFTCALL bool (*TryLockSlow)(void *SWIFTSELF);
#define LOCK_SLOW "$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF"
#define UNLOCK_SLOW "$s15Synchronization12_MutexHandleV11_unlockSlowyyF"
#define TRY_LOCK_SLOW "$s15Synchronization12_MutexHandleV12_tryLockSlowSbyF"
static LockSlow realLockSlow;
static UnlockSlow realUnlockSlow;
static TryLockSlow realTryLockSlow;
// The library's own slow paths, found before main. Were a toolchain to rename them, the calls would
// bind to the new names and none of these would be called.
__attribute__((constructor)) static void findMutexSlowPaths(void) {
    realLockSlow = (LockSlow)dlsym(RTLD_NEXT, LOCK_SLOW);
    realUnlockSlow = (UnlockSlow)dlsym(RTLD_NEXT, UNLOCK_SLOW);
    realTryLockSlow = (TryLockSlow)dlsym(RTLD_NEXT, TRY_LOCK_SLOW);
}
SWIFTCALL void mutexLockSlow(uint32_t selfID, void *SWIFTSELF mutex) __asm__(LOCK_SLOW);
SWIFTCALL void mutexLockSlow(uint32_t selfID, void *SWIFTSELF mutex) {
    realLockSlow(selfID, mutex);
    if (__tsan_acquire) __tsan_acquire(mutex);
}
SWIFTCALL void mutexUnlockSlow(void *SWIFTSELF mutex) __asm__(UNLOCK_SLOW);
SWIFTCALL void mutexUnlockSlow(void *SWIFTSELF mutex) {
    if (__tsan_release) __tsan_release(mutex);
    realUnlockSlow(mutex);
}
SWIFTCALL bool mutexTryLockSlow(void *SWIFTSELF mutex) __asm__(TRY_LOCK_SLOW);
SWIFTCALL bool mutexTryLockSlow(void *SWIFTSELF mutex) {
    bool locked = realTryLockSlow(mutex);
    if (locked && __tsan_acquire) __tsan_acquire(mutex);
    return locked;
}
