#include "i18n/system_error.h"

#include <netdb.h>

#include <cerrno>
#include <cstring>

#include "i18n/catalog.h"

namespace cairn::i18n {

std::string system_error(int err) {
  switch (err) {
    case ENOENT: return tr("there is no such file or folder");
    case EACCES:
    case EPERM: return tr("permission denied (this user may not do that)");
    case ENOSPC: return tr("the disk is full");
    case EDQUOT: return tr("the disk quota of this user is used up");
    case EROFS: return tr("the disk is read-only");
    case EIO: return tr("the disk or device failed to read or write (it may be damaged or removed)");
    case EEXIST: return tr("it already exists");
    case ENOTDIR: return tr("a part of the path is not a folder");
    case EISDIR: return tr("it is a folder, not a file");
    case ENAMETOOLONG: return tr("the name is too long");
    case ELOOP: return tr("too many symbolic links, or a symbolic link where none is allowed");
    case EMFILE:
    case ENFILE: return tr("too many files are open");
    case ENOMEM: return tr("there is not enough memory");
    case ECONNREFUSED: return tr("nothing answers there (the connection was refused)");
    case ETIMEDOUT: return tr("no answer in time");
    case ECONNRESET: return tr("the other side broke the connection");
    case EPIPE: return tr("the other side closed the connection");
    case ENETUNREACH:
    case EHOSTUNREACH: return tr("this computer's network cannot reach it (is it connected?)");
    case ENODEV:
    case ENXIO: return tr("the device is not there (it may have been removed)");
    case ETXTBSY:
    case EBUSY: return tr("it is in use");
    default: break;
  }
  const char* name = ::strerrorname_np(err);
  return trf("system error %s", name != nullptr ? std::string(name) : std::to_string(err));
}

std::string resolver_error(int gai) {
  switch (gai) {
    case EAI_NONAME: return tr("no such name is known");
    case EAI_AGAIN: return tr("the name could not be looked up now (no network?); try again later");
    case EAI_FAIL: return tr("the name lookup failed");
    case EAI_MEMORY: return tr("there is not enough memory");
    case EAI_SYSTEM: return system_error(errno);
    default: break;
  }
  return trf("name lookup error %s", gai);
}

}  // namespace cairn::i18n
