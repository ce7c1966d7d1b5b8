/* The state behind check.h: one set of counters per test program, whichever file a CHECK is in. */
#include "check.h"

int checks_failed;
static int tests_passed;
static int tests_failed;

void run_test(const char *behaviour, void (*test)(void))
{
    int before = checks_failed;
    test();
    if (checks_failed == before) {
        tests_passed++;
        printf("ok   %s\n", behaviour);
    } else {
        tests_failed++;
        printf("FAIL %s\n", behaviour);
    }
    fflush(stdout);
}

int finish_tests(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, tests_passed, tests_failed);
    return tests_failed == 0 ? 0 : 1;
}
