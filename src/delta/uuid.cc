#include "lakestream/delta/uuid.h"

#include <unistd.h>

#include <cstdint>
#include <functional>
#include <random>
#include <thread>

namespace lakestream {

std::string uuid_v4() {
  // Seeded per thread from the OS so forked processes and threads never share a sequence.
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    uint64_t seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    seed ^= static_cast<uint64_t>(::getpid()) * 0x9E3779B97F4A7C15ULL;
    seed ^= std::hash<std::thread::id>{}(std::this_thread::get_id());
    return seed;
  }());
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;              // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // variant 10xx
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out.push_back(kHex[(word >> shift) & 15]);
  }
  return out;
}

}  // namespace lakestream
