/* maas-c --help. */
#ifndef MAAS_CLI_USAGE_H
#define MAAS_CLI_USAGE_H

/* Commands, options and exit statuses, as printed by --help. */
extern const char usage_text[];

#endif /* MAAS_CLI_USAGE_H */
