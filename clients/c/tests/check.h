/* A tiny test harness: each test is a function named after the behaviour it checks. The counters and
 * run_test live in check.c, so a suite can spread its cases over several files. */
#ifndef MAAS_TESTS_CHECK_H
#define MAAS_TESTS_CHECK_H

#include <stdio.h>

extern int checks_failed;

#define CHECK(condition, ...)                                                                             \
    do {                                                                                                  \
        if (!(condition)) {                                                                               \
            checks_failed++;                                                                              \
            fprintf(stderr, "  FAIL %s:%d: %s: ", __FILE__, __LINE__, #condition);                        \
            fprintf(stderr, __VA_ARGS__);                                                                 \
            fputc('\n', stderr);                                                                          \
        }                                                                                                 \
    } while (0)

void run_test(const char *behaviour, void (*test)(void));

#define TEST(function) run_test(#function, function)

/* Prints "SUITE: N passed, M failed"; the exit status for main. */
int finish_tests(const char *suite);

#endif /* MAAS_TESTS_CHECK_H */
