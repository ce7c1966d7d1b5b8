/*
 * cli_runner: runs maas-c's main() once per line of a plan, all in this one process, so valgrind starts
 * once for the whole CLI suite instead of once per case (about a second each) and still sees every byte
 * maas-c touches: its leaks are counted at exit, after the last case.
 *
 * A plan line is NAME, then maas-c's arguments, separated by tabs. Each case's stdout goes to
 * OUT_DIR/NAME.out, its stderr to OUT_DIR/NAME.err and its exit status to OUT_DIR/NAME.status.
 *
 * Usage: cli_runner PLAN OUT_DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGS 64

int maas_c_main(int argc, char **argv); /* cli/main.c, compiled with -Dmain=maas_c_main */

/* Points file descriptor `fd` at path (created or emptied); returns a copy of the old one, or -1. */
static int redirect(int fd, const char *path)
{
    int saved = dup(fd);
    int file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (saved < 0 || file < 0 || dup2(file, fd) < 0) {
        perror(path);
        exit(2);
    }
    close(file);
    return saved;
}

static void restore(int fd, int saved)
{
    dup2(saved, fd);
    close(saved);
}

static int run_case(char *line, const char *out_dir)
{
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    char *name = line;
    argv[argc++] = "maas-c";
    for (char *p = strchr(line, '\t'); p != NULL; p = strchr(p, '\t')) {
        *p++ = '\0'; /* an empty argument stays one */
        if (argc == MAX_ARGS) {
            fprintf(stderr, "cli_runner: case %s has more than %d arguments\n", name, MAX_ARGS - 1);
            return -1;
        }
        argv[argc++] = p;
    }
    if (name[0] == '\0')
        return 0;
    argv[argc] = NULL;

    char path[4096];
    fflush(stdout);
    fflush(stderr);
    snprintf(path, sizeof path, "%s/%s.out", out_dir, name);
    int saved_out = redirect(STDOUT_FILENO, path);
    snprintf(path, sizeof path, "%s/%s.err", out_dir, name);
    int saved_err = redirect(STDERR_FILENO, path);
    int status = maas_c_main(argc, argv);
    fflush(stdout);
    fflush(stderr);
    clearerr(stdout);
    restore(STDOUT_FILENO, saved_out);
    restore(STDERR_FILENO, saved_err);

    snprintf(path, sizeof path, "%s/%s.status", out_dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL || fprintf(f, "%d\n", status) < 0 || fclose(f) != 0) {
        perror(path);
        return -1;
    }
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: cli_runner PLAN OUT_DIR\n");
        return 2;
    }
    FILE *plan = fopen(argv[1], "r");
    if (plan == NULL) {
        perror(argv[1]);
        return 2;
    }
    char *line = NULL;
    size_t size = 0;
    ssize_t n;
    int cases = 0, failed = 0;
    while ((n = getline(&line, &size, plan)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        int r = run_case(line, argv[2]);
        cases += r > 0;
        failed += r < 0;
    }
    free(line);
    fclose(plan);
    printf("cli_runner: ran %d cases\n", cases);
    return failed ? 1 : 0;
}
