# The json tests again with the decoder's generic (non-AVX2) kernel forced, so both kernels are
# covered on machines that would pick the haswell one (see src/json/json_decoder.cc).
add_test(NAME json.generic_kernel COMMAND test_json)
set_tests_properties(json.generic_kernel PROPERTIES ENVIRONMENT "LAKESTREAM_SIMD=generic"
                     TIMEOUT 600)
