# Shared compile settings, linked PRIVATE by every Cairn target.
add_library(cairn_options INTERFACE)
add_library(cairn::options ALIAS cairn_options)
target_compile_features(cairn_options INTERFACE cxx_std_20)
target_compile_options(cairn_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  -fstack-protector-strong)
target_compile_definitions(cairn_options INTERFACE $<$<NOT:$<CONFIG:Debug>>:_FORTIFY_SOURCE=2>)
# Full RELRO: relocations read-only and every symbol bound at start (Debian's
# hardening flags; lintian's hardening-no-relro / hardening-no-bindnow).
target_link_options(cairn_options INTERFACE -Wl,-z,relro -Wl,-z,now)

if(CAIRN_SANITIZE)
  target_compile_options(cairn_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(cairn_options INTERFACE -fsanitize=address,undefined)
endif()

# libFuzzer builds (scripts/fuzz.sh, clang): every library is instrumented for
# coverage, not only the harnesses, or the fuzzer would be blind to the code
# under test. The harness executables add -fsanitize=fuzzer (fuzz/CMakeLists.txt).
if(CAIRN_LIBFUZZER)
  target_compile_options(cairn_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

# Boost 1.74's Asio recognises C++20 coroutines only in g++ (it looks for
# clang's pre-standard __cpp_coroutines); clang (fuzz builds) has them too.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_definitions(cairn_options INTERFACE BOOST_ASIO_HAS_CO_AWAIT=1 BOOST_ASIO_HAS_STD_COROUTINE=1)
endif()

# Generated code (protobuf) gets the options without the warnings.
add_library(cairn_generated_options INTERFACE)
target_compile_features(cairn_generated_options INTERFACE cxx_std_20)
if(CAIRN_SANITIZE)
  target_compile_options(cairn_generated_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(cairn_generated_options INTERFACE -fsanitize=address,undefined)
endif()
if(CAIRN_LIBFUZZER)
  target_compile_options(cairn_generated_options INTERFACE -fsanitize=fuzzer-no-link)
endif()
