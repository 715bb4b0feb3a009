// Compiled as C++ by the header_compiles_as_cxx test (CMakeLists.txt): nr_flow.h as a C++ file of
// the ESP32 build sees it, extern "C" and the layout checks included.
#include "nr_flow.h"

static_assert(sizeof(nr_flow_spec) == NR_FLOW_SPEC_BYTES, "the spec as C++ sees it");
