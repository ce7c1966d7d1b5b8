#ifndef MAAS_CSNDFILE_SHIM_H
#define MAAS_CSNDFILE_SHIM_H
#include <sndfile.h>
#endif
