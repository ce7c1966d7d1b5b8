// Preloaded into `maas` when it runs under valgrind 3.19 (Debian 12): libdispatch's dispatch_main, which runs
// Swift's async main, calls sigsuspend with a mask in read-only memory, and valgrind's rt_sigsuspend wrapper
// writes to that mask and dies with SIGSEGV before main runs. This passes the kernel a copy on the stack
// instead; the call means the same. Dev tool only: never linked into maas.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
