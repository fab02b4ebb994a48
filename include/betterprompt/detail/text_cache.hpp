// SPDX-License-Identifier: BSL-1.0
// Texts kept by key, the most recently used first, at most a fixed count: the SKILL.md texts a
// client fetched (their URLs are pinned to a commit, so a text never changes).
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace betterprompt::detail {

/// Thread-safe. Linear lookups: it holds a few dozen entries.
class text_cache {
 public:
  explicit text_cache(std::size_t capacity) : capacity_(capacity) {}

  /// The text kept for `key` (now the most recently used), or nullopt.
  std::optional<std::string> find(const std::string& key) {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->first == key) {
        entries_.splice(entries_.begin(), entries_, it);
        return it->second;
      }
    return std::nullopt;
  }

  /// Keeps `text` for `key`, dropping the least recently used beyond the capacity.
  void put(std::string key, std::string text) {
    if (capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->first == key) {
        entries_.erase(it);
        break;
      }
    entries_.emplace_front(std::move(key), std::move(text));
    while (entries_.size() > capacity_) entries_.pop_back();
  }

 private:
  std::mutex mutex_;
  std::size_t capacity_;
  std::list<std::pair<std::string, std::string>> entries_;
};

}  // namespace betterprompt::detail
