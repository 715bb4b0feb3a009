# The flow path's sources, for dataplane/CMakeLists.txt and for tests/dataplane (which builds
# them again with the sanitizers on).
set(NRFLOW_DIR ${CMAKE_CURRENT_LIST_DIR})
set(NRFLOW_INCLUDE_DIR ${NRFLOW_DIR}/include)
set(NRFLOW_SOURCES ${NRFLOW_DIR}/src/nr_flow_path.c ${NRFLOW_DIR}/src/nr_flow_table.c)
# The device's optimisation (-O2: ESP-IDF's CONFIG_COMPILER_OPTIMIZATION_PERF) and warnings.
set(NRFLOW_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wcast-align -Werror)
