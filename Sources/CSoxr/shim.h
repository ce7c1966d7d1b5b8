#ifndef MAAS_CSOXR_SHIM_H
#define MAAS_CSOXR_SHIM_H
#include <soxr.h>
#endif
