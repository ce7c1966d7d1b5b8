/* A tiny test harness: each test is a function named after the behaviour it checks. */
#ifndef MAAS_TESTS_CHECK_H
#define MAAS_TESTS_CHECK_H

#include <stdio.h>

static int checks_failed;
static int tests_passed;
static int tests_failed;

#define CHECK(condition, ...)                                                                             \
    do {                                                                                                  \
        if (!(condition)) {                                                                               \
            checks_failed++;                                                                              \
            fprintf(stderr, "  FAIL %s:%d: %s: ", __FILE__, __LINE__, #condition);                        \
            fprintf(stderr, __VA_ARGS__);                                                                 \
            fputc('\n', stderr);                                                                          \
        }                                                                                                 \
    } while (0)

static void run_test(const char *behaviour, void (*test)(void))
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

#define TEST(function) run_test(#function, function)

static int finish_tests(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, tests_passed, tests_failed);
    return tests_failed == 0 ? 0 : 1;
}

#endif /* MAAS_TESTS_CHECK_H */
