#ifndef MAAS_COPENBLAS_SHIM_H
#define MAAS_COPENBLAS_SHIM_H
#include <cblas.h>
// Declared by OpenBLAS but not by every cblas.h it ships with.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
