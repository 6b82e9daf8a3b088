# Debian packages built by CPack from the install() rules below:
#   cairn          the source's client (and its translations, if built)
#   cairn-relay    the relay, its systemd service, docs/OPERATING.md
#   cairn-analyst  the air-gapped station (and its translations, cairn-analyst.mo)
# The test-only programs (cairn-relay-testing, cairn-analyst-testing), the
# benchmarks and the fuzz targets are never installed.
#
#   cmake --build --preset release && (cd build/release && cpack)   → build/release/packages/*.deb
#
# Install rules written elsewhere without a COMPONENT (the translations) land
# in `cairn`: the top CMakeLists.txt sets CMAKE_INSTALL_DEFAULT_COMPONENT_NAME.
include(GNUInstallDirs)

set(CAIRN_DEB_MAINTAINER "Cairn maintainers <cairn@example.org>")
set(CAIRN_DEB_RELEASE 1)
set(CAIRN_DEB_VERSION "${PROJECT_VERSION}-${CAIRN_DEB_RELEASE}")

# ---- programs ----
install(TARGETS cairn RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cairn)
install(TARGETS cairn-relay RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cairn-relay)
install(TARGETS cairn-analyst RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cairn-analyst)

# ---- the relay's service (Debian 12 keeps units in /lib/systemd/system) ----
install(FILES ${PROJECT_SOURCE_DIR}/packaging/cairn-relay.service DESTINATION /lib/systemd/system COMPONENT cairn-relay)
install(FILES ${PROJECT_SOURCE_DIR}/docs/OPERATING.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/cairn-relay COMPONENT cairn-relay)
install(FILES ${PROJECT_SOURCE_DIR}/docs/OPERATING.md DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/cairn-analyst COMPONENT cairn-analyst)

# ---- man pages, made from each program's --help at build time ----
find_program(HELP2MAN help2man)
find_program(GZIP gzip REQUIRED)
if(NOT HELP2MAN)
  message(FATAL_ERROR "help2man is missing (it makes the man pages from --help): run scripts/bootstrap.sh")
endif()
set(CAIRN_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(CAIRN_MAN_PAGES)
foreach(program cairn cairn-relay cairn-analyst)
  set(page ${CAIRN_MAN_DIR}/${program}.1)
  add_custom_command(
    OUTPUT ${page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CAIRN_MAN_DIR}
    # Each subcommand's --help becomes a COMMANDS section.
    COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 ${PROJECT_SOURCE_DIR}/packaging/man/commands.sh
            $<TARGET_FILE:${program}> ${PROJECT_SOURCE_DIR}/packaging/man/${program}.h2m ${page}.h2m
    COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1796169600
            ${HELP2MAN} --no-info --no-discard-stderr --section=1 --version-string=${PROJECT_VERSION}
            --include=${page}.h2m --output=${page} $<TARGET_FILE:${program}>
    COMMAND ${GZIP} -9nf ${page}
    DEPENDS ${program} ${PROJECT_SOURCE_DIR}/packaging/man/${program}.h2m ${PROJECT_SOURCE_DIR}/packaging/man/commands.sh
    COMMENT "Writing the man page of ${program} from its --help"
    VERBATIM)
  list(APPEND CAIRN_MAN_PAGES ${page}.gz)
  install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${program})
endforeach()
add_custom_target(cairn_man_pages ALL DEPENDS ${CAIRN_MAN_PAGES})

# ---- /usr/share/doc/<package>: copyright (DEP-5) and changelog.Debian.gz ----
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.in ${CMAKE_BINARY_DIR}/packaging/changelog.Debian @ONLY)
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz
  COMMAND ${GZIP} -9nkf ${CMAKE_BINARY_DIR}/packaging/changelog.Debian
  DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.Debian
  VERBATIM)
add_custom_target(cairn_deb_changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz)
foreach(package cairn cairn-relay cairn-analyst)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright ${CMAKE_BINARY_DIR}/packaging/changelog.Debian.gz
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package} COMPONENT ${package})
endforeach()

# ---- CPack: one .deb per component ----
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME cairn)
set(CPACK_PACKAGE_VENDOR "Cairn")
set(CPACK_PACKAGE_CONTACT "${CAIRN_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cairn cairn-relay cairn-analyst)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${CAIRN_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CAIRN_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://example.org/cairn")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)

set(CPACK_DEBIAN_CAIRN_PACKAGE_NAME cairn)
set(CPACK_DEBIAN_CAIRN_PACKAGE_RECOMMENDS "tor, obfs4proxy, snowflake-client")
set(CPACK_COMPONENT_CAIRN_DESCRIPTION "anonymous testimony submission for sources (client)
Cairn lets a source inside a hostile surveillance state hand testimony to a
documentation organisation without being identified. This package holds
the source's tool: it removes identifying metadata from attachments,
encrypts everything to the organisation's analysts as fixed-size age files
and sends them over Noise NK, through Tor (with obfs4 or Snowflake bridges
where Tor is blocked), to the organisation's relay. It can also fetch
replies with a codename.")

set(CPACK_DEBIAN_CAIRN-RELAY_PACKAGE_NAME cairn-relay)
set(CPACK_DEBIAN_CAIRN-RELAY_PACKAGE_SECTION net)
set(CPACK_DEBIAN_CAIRN-RELAY_PACKAGE_SUGGESTS "tor")
set(CPACK_COMPONENT_CAIRN-RELAY_DESCRIPTION "relay that stores Cairn's ciphertext drops
Cairn lets a source inside a hostile surveillance state hand testimony to a
documentation organisation without being identified. This package holds
the relay: it accepts fixed-size encrypted drops over Noise NK, keeps them
in an encrypted store that holds nothing identifying a source, exports them
for the analysts' air-gapped station and serves the signed key bundle and
reply board. It includes a sandboxed systemd service, not enabled until the
operator has initialised the relay (see OPERATING.md).")

set(CPACK_DEBIAN_CAIRN-ANALYST_PACKAGE_NAME cairn-analyst)
set(CPACK_DEBIAN_CAIRN-ANALYST_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_CAIRN-ANALYST_DESCRIPTION "air-gapped station that reads Cairn testimony
Cairn lets a source inside a hostile surveillance state hand testimony to a
documentation organisation without being identified. This package holds
the analysts' station, meant for a machine that never touches a network:
it keeps the organisation's keys in an encrypted vault, certifies relays,
signs key bundles and drop addresses, imports the relay's exports from
removable media, decrypts and shows testimony, and signs replies.")

include(CPack)
