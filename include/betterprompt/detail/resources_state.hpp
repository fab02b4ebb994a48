// SPDX-License-Identifier: BSL-1.0
// The client's side of the resources cache protocol: the hash it announces in `cli-agent`, and
// whether a response said that hash is stale (`action-require: update-resources`).
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>

namespace betterprompt::detail {

class resources_state {
 public:
  /// True when `hash` may go into a header: base64 or base64url characters, at most 256.
  static bool valid_hash(std::string_view hash) noexcept {
    if (hash.size() > 256) return false;
    for (unsigned char c : hash) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '+' || c == '/' || c == '=';
      if (!ok) return false;
    }
    return true;
  }

  /// Announces `hash` from now on (empty: none) and clears the stale mark. The caller has checked
  /// valid_hash.
  void set_hash(std::string_view hash) {
    std::lock_guard lock(mutex_);
    hash_.assign(hash);
    has_hash_.store(!hash_.empty(), std::memory_order_release);
    stale_.store(false, std::memory_order_release);
  }

  std::string hash() const {
    std::lock_guard lock(mutex_);
    return hash_;
  }

  /// Appends the `cli-agent` header line when a hash is set; nothing (and no lock) otherwise.
  void append_field(std::string& out) const {
    if (!has_hash_.load(std::memory_order_acquire)) return;
    std::lock_guard lock(mutex_);
    if (!hash_.empty()) out.append("cli-agent: resources_hash=").append(hash_).append("\r\n");
  }

  void mark_stale() noexcept { stale_.store(true, std::memory_order_release); }
  bool stale() const noexcept { return stale_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  std::string hash_;  // guarded by mutex_
  std::atomic<bool> has_hash_{false};
  std::atomic<bool> stale_{false};
};

}  // namespace betterprompt::detail
