#
# nf-interpreter interop module for nanoRouter's native shim, the interop assembly
# NanoRouter.Hal.Esp32.Native (hal/NanoRouter.Hal.Esp32.Native: only the InternalCall externs).
# Copy it to nf-interpreter's CMake/Modules/ (FindNF_NativeAssemblies.cmake finds it there by the
# name INTEROP-<assembly>) and configure the firmware with
#   -DNF_INTEROP_ASSEMBLIES=NanoRouter.Hal.Esp32.Native
#   -DNANOROUTER_NATIVE_DIR=<repo>/hal/NanoRouter.Hal.Esp32/native
#   -DNANOROUTER_STUBS_DIR=<repo>/hal/NanoRouter.Hal.Esp32.Native/Stubs/NanoRouter.Hal.Esp32.Native
# The stubs folder is where the nanoFramework project system writes them: Stubs\$(TargetName)
# (nf-Visual-Studio-extension Targets/NFProjectSystem.MDP.targets, NF_GenerateSkeletonFile).
# Recipe and the sdkconfig options: boards/esp32-devkitc/README.md.
#
if(NOT NANOROUTER_NATIVE_DIR)
    set(NANOROUTER_NATIVE_DIR ${CMAKE_CURRENT_LIST_DIR})
endif()
if(NOT NANOROUTER_DATAPLANE_DIR)
    set(NANOROUTER_DATAPLANE_DIR ${NANOROUTER_NATIVE_DIR}/../../../dataplane) # the flow path shared with the host board
endif()
if(NOT NANOROUTER_STUBS_DIR)
    set(NANOROUTER_STUBS_DIR ${NANOROUTER_NATIVE_DIR}/../../NanoRouter.Hal.Esp32.Native/Stubs/NanoRouter.Hal.Esp32.Native)
endif()
if(NOT EXISTS ${NANOROUTER_STUBS_DIR}/NanoRouter_Hal_Esp32_Native.cpp)
    message(FATAL_ERROR "nanoRouter: no NanoRouter_Hal_Esp32_Native.cpp in ${NANOROUTER_STUBS_DIR}: build "
        "hal/NanoRouter.Hal.Esp32.Native/NanoRouter.Hal.Esp32.Native.nfproj first (it writes the stubs)")
endif()

list(APPEND NanoRouter.Hal.Esp32.Native_INCLUDE_DIRS
    ${PROJECT_SOURCE_DIR}/src/CLR/Core
    ${PROJECT_SOURCE_DIR}/src/CLR/Include
    ${PROJECT_SOURCE_DIR}/src/HAL/Include
    ${PROJECT_SOURCE_DIR}/src/PAL/Include
    ${NANOROUTER_NATIVE_DIR}
    ${NANOROUTER_DATAPLANE_DIR}/include
    ${NANOROUTER_STUBS_DIR})

list(APPEND NanoRouter.Hal.Esp32.Native_SOURCES
    ${NANOROUTER_STUBS_DIR}/NanoRouter_Hal_Esp32_Native.cpp  # generated lookup table + checksum
    ${NANOROUTER_NATIVE_DIR}/nr_interop.cpp
    ${NANOROUTER_NATIVE_DIR}/nr_esp32.c
    ${NANOROUTER_NATIVE_DIR}/nr_kdf.c      # the admin password's PBKDF2 loop, over ESP-IDF's mbedTLS
    ${NANOROUTER_NATIVE_DIR}/nr_port.c
    ${NANOROUTER_NATIVE_DIR}/nr_ring.c
    ${NANOROUTER_NATIVE_DIR}/nr_shim.c
    ${NANOROUTER_NATIVE_DIR}/nr_flows.c
    ${NANOROUTER_DATAPLANE_DIR}/src/nr_flow_path.c
    ${NANOROUTER_DATAPLANE_DIR}/src/nr_flow_table.c)

include(FindPackageHandleStandardArgs)
FIND_PACKAGE_HANDLE_STANDARD_ARGS(NanoRouter.Hal.Esp32.Native DEFAULT_MSG
    NanoRouter.Hal.Esp32.Native_INCLUDE_DIRS NanoRouter.Hal.Esp32.Native_SOURCES)

# The input hook: ESP-IDF's lwip component includes ESP_IDF_LWIP_HOOK_FILENAME from
# lwip_default_hooks.h. This needs the IDF component targets, which exist once
# idf_build_process() has run in targets/ESP32/CMakeLists.txt; the module is parsed after it.
if(TARGET __idf_lwip)
    target_compile_definitions(__idf_lwip PRIVATE "ESP_IDF_LWIP_HOOK_FILENAME=\"nr_lwip_hooks.h\"")
    target_include_directories(__idf_lwip PRIVATE ${NANOROUTER_NATIVE_DIR})
else()
    message(WARNING "nanoRouter: __idf_lwip target not found; add to targets/ESP32/CMakeLists.txt after idf_build_process():\n"
        "  idf_component_get_property(lwip_lib lwip COMPONENT_LIB)\n"
        "  target_compile_definitions(\${lwip_lib} PRIVATE \"ESP_IDF_LWIP_HOOK_FILENAME=\\\"nr_lwip_hooks.h\\\"\")\n"
        "  target_include_directories(\${lwip_lib} PRIVATE ${NANOROUTER_NATIVE_DIR})")
endif()
