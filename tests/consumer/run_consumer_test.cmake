# Installs the build into a scratch prefix, builds tests/consumer against it
# with find_package(custdb), and runs the programs: the embedded example on
# custdb::engine, client_consumer on custdb::client (against a port where
# nothing listens: it must link, run and fail cleanly) and api_consumer on
# custdb::api alone.
# Inputs: BINARY_DIR, SOURCE_DIR, WORK_DIR.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BINARY_DIR}
                        --prefix ${WORK_DIR}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer
                        -B ${WORK_DIR}/build -DCMAKE_BUILD_TYPE=Release
                        -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
                        -DCUSTDB_EXAMPLE_SOURCE=${SOURCE_DIR}/examples/embedded.cc
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure of the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build -j2
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "build of the consumer failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/consumer ${WORK_DIR}/data
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc OR NOT out MATCHES "1 order\\(s\\), spend 4999")
  file(REMOVE_RECURSE ${WORK_DIR})
  message(FATAL_ERROR "consumer run failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/client_consumer
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
if(rc OR NOT out MATCHES "^client: unavailable")
  file(REMOVE_RECURSE ${WORK_DIR})
  message(FATAL_ERROR "client_consumer run failed: ${rc}")
endif()
execute_process(COMMAND ${WORK_DIR}/build/api_consumer
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message("${out}")
file(REMOVE_RECURSE ${WORK_DIR})
if(rc OR NOT out STREQUAL
   "api: 2011-12-09T12:50:00Z completed ok; invalid_argument\n")
  message(FATAL_ERROR "api_consumer run failed: ${rc}")
endif()
