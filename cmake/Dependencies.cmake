# Every dependency comes from a Debian package (scripts/bootstrap.sh installs them).
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
pkg_check_modules(SQLCIPHER REQUIRED IMPORTED_TARGET sqlcipher)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# Cleaning attachments (clean/): pictures, PDF, office documents.
pkg_check_modules(EXIV2 REQUIRED IMPORTED_TARGET exiv2)
pkg_check_modules(QPDF REQUIRED IMPORTED_TARGET libqpdf)
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
find_package(Protobuf 3.21 REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(CLI11 CONFIG REQUIRED)
find_package(ZLIB REQUIRED)
# SHA-3 and SHAKE (crypto/sha3): onion names' checksum, ML-KEM's hashes.
find_package(OpenSSL 3 REQUIRED COMPONENTS Crypto)
# valgrind's client requests (crypto/declassify.h; header only, no-ops outside
# valgrind): the constant-time check of ML-KEM runs under memcheck.
include(CheckIncludeFileCXX)
check_include_file_cxx(valgrind/memcheck.h CAIRN_HAVE_VALGRIND_MEMCHECK_H)
if(NOT CAIRN_HAVE_VALGRIND_MEMCHECK_H)
  message(FATAL_ERROR "valgrind/memcheck.h is missing (Debian package valgrind): run scripts/bootstrap.sh")
endif()
find_package(Threads REQUIRED)
if(CAIRN_BUILD_TESTS)
  find_package(GTest REQUIRED)
  # Tests read the relay store as a seizer with its key would (AES-256-CBC pages).
  find_package(OpenSSL REQUIRED COMPONENTS Crypto)
  include(GoogleTest)
endif()
