// The standard CBLAS interface only: libblas.so.3 resolves to OpenBLAS when libopenblas-dev is
// installed (Debian alternatives), else to the reference BLAS. Both export these symbols.
#include <cblas.h>
