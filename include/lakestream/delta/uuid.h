#pragma once
// delta/uuid: random (version 4) UUIDs for table ids, data file names and commit ids.

#include <string>

namespace lakestream {

/// A random RFC 4122 version 4 UUID in lowercase text form
/// ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", y one of 8, 9, a, b). Thread-safe; each thread
/// draws from its own generator seeded from std::random_device.
std::string uuid_v4();

}  // namespace lakestream
